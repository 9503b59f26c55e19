"""Which live test (module.Class.method under tests/e2e/root) triggers each built-in rule for real under the sensor.
test_watch_live_rules_network.EveryRuleHasALiveTest fails when a rule of `vigil rules list` has no row here."""

F = "test_watch_live_rules_files.LiveFileRules."
P = "test_watch_live_rules_process.LiveProcessRules."
N = "test_watch_live_rules_network.LiveNetworkRules."

LIVE_RULE_TESTS = {
    "Shell spawned by a service": P + "test_shell_spawned_by_service",
    "Credential file read by an unexpected process": F + "test_credential_file_read",
    "CI runner secret file read": F + "test_ci_runner_secret_read",
    "Write to ld.so.preload": F + "test_write_to_ld_so_preload",
    "LD_PRELOAD set for a program": P + "test_ld_preload_set",
    "Program run from memory": P + "test_program_run_from_memory",
    "Downloaded file made executable and run": P + "test_downloaded_file_made_executable_and_run",
    "Program run from a hidden or shared-memory directory": P + "test_program_run_from_hidden_directory",
    "Reverse shell": N + "test_reverse_shell",
    "Shell standard stream redirected to a socket": N + "test_shell_stream_redirected_to_socket",
    "Netcat or socat with command execution": P + "test_netcat_with_command_execution",
    "Download piped into a shell": P + "test_download_piped_into_shell",
    "Download piped into a shell (shell started first)": P + "test_download_piped_into_shell_started_first",
    "Environment dumped then sent to an unlisted host": N + "test_environment_dumped_then_sent",
    "Cloud metadata service contacted": N + "test_cloud_metadata_contacted",
    "Process attached with ptrace": P + "test_ptrace_attach",
    "Kernel module loaded": P + "test_kernel_module_load_attempt",
    "BPF program loaded by an unexpected process": P + "test_bpf_program_load_attempt",
    "Connection to a crypto-miner pool port": N + "test_crypto_miner_pool_port",
    "Crypto-miner program started": P + "test_crypto_miner_program_started",
    "Container runtime socket accessed": N + "test_container_runtime_socket",
    "Package manager run in a container": P + "test_package_manager_in_container",
    "Mount in a container": P + "test_mount_in_container",
    "Kernel hook file written": F + "test_kernel_hook_file_written",
    "New setuid binary": F + "test_new_setuid_binary",
    "Write below a binary directory": F + "test_write_below_binary_directory",
    "SSH authorized_keys modified": F + "test_ssh_authorized_keys_modified",
    "Cron job written": F + "test_cron_job_written",
    "Systemd unit written": F + "test_systemd_unit_written",
    "Sudoers modified": F + "test_sudoers_modified",
    "Account database modified": F + "test_account_database_modified",
    "Logs or shell history erased": F + "test_shell_history_erased",
    "Search for private keys or passwords": P + "test_search_for_private_keys",
    "Connection storm": N + "test_connection_storm",
}
