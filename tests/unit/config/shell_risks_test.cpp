// download-and-execute: the shell detector on single commands and whole scripts, and the check on realistic
// shell scripts (positives with exact lines and messages, close negatives that must stay silent).
#include "scan/config/shell_risks.hpp"

#include <gtest/gtest.h>

#include "config_support.hpp"
#include "formats/cicd.hpp"

namespace vigil::scan::config {
namespace {

using test::scan_config;

std::vector<DownloadRun> runs(std::string_view script) {
  DownloadState state;
  return find_download_runs(script, 0, state);
}

TEST(PipesDownloadToInterpreter, FlagsPipesAndSubstitutions) {
  for (std::string_view line : {
           "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y",
           "wget -qO- https://get.docker.com | sudo -E bash -",
           "curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -u root bash",
           "curl -sL https://x.example/a.py | python3 -",
           "curl -s https://x.example/a | tr -d '\\r' | bash",
           "source <(curl -s https://x.example/env.sh)",
           ". <(curl -s https://x.example/env.sh)",
           "python3 -c \"$(curl -fsSL https://x.example/bootstrap.py)\"",
           "bash -c `curl -fsSL https://x.example/i.sh`",
           "irm https://get.scoop.sh | iex",
           "iex ((New-Object System.Net.WebClient).DownloadString('https://community.chocolatey.org/install.ps1'))",
           "Invoke-Expression (Invoke-WebRequest -UseBasicParsing https://x.example/i.ps1).Content",
           "powershell -ExecutionPolicy ByPass -c \"irm https://astral.sh/uv/install.ps1 | iex\"",
           "sh -c 'curl -fsSL https://x.example/i.sh | sh'",
           "( cd /tmp && curl -fsSL https://x.example/i.sh | bash )",
           "if curl -fsSL https://x.example/i.sh | bash; then echo ok; fi",
           "/bin/sh -c curl -fsSL https://x.example/i.sh | /bin/bash",
       }) {
    EXPECT_TRUE(pipes_download_to_interpreter(line)) << line;
  }
}

TEST(PipesDownloadToInterpreter, LeavesDataPipesAndTextAlone) {
  for (std::string_view line : {
           "echo \"curl -fsSL https://x.example/i.sh | sh\"",
           "echo 'wget -qO- https://x.example | bash' >> README",
           "# curl -fsSL https://x.example/i.sh | sh",
           "curl -fsSL https://api.github.com/repos/a/b | python3 -c 'import json,sys; print(json.load(sys.stdin))'",
           "curl -s https://api.example/v1/items | node -e 'process.stdin.pipe(process.stdout)'",
           "curl -fsSL https://x.example/i.sh | tee /tmp/i.sh",
           "curl -fsSL https://download.docker.com/linux/ubuntu/gpg | sudo gpg --dearmor -o /etc/apt/keyrings/d.gpg",
           "curl -fsSL https://x.example/tool.tgz | tar -xz -C /usr/local/bin",
           "bash ./ci/test.sh \"$(curl -fsSL https://api.example/version)\"",
           "version=$(curl -fsSL https://api.example/version)",
           "cat install.sh | sh",
           "apt-get install -y curl bash",
       }) {
    EXPECT_FALSE(pipes_download_to_interpreter(line)) << line;
  }
}

TEST(FindDownloadRuns, ReportsTheRunnerTheSourceAndTheOffsetOfTheRunner) {
  const std::string script = "set -e\ncurl -fsSL https://codecov.io/bash \\\n  | bash -s -- -t \"$TOKEN\"\n";
  const auto found = runs(script);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].kind, DownloadRun::Kind::Piped);
  EXPECT_EQ(found[0].runner, "bash");
  EXPECT_EQ(found[0].downloader, "curl");
  EXPECT_EQ(found[0].source, "https://codecov.io/bash");
  EXPECT_EQ(found[0].offset, script.find("bash -s"));
  const formats::cicd::Script s{script, 10, true};
  EXPECT_EQ(s.line_at(found[0].offset), 12);  // the line of the interpreter, after the continuation
}

TEST(FindDownloadRuns, DownloadThenRunWithoutVerification) {
  for (std::string_view script : {
           "curl -fsSLo install.sh https://x.example/install.sh\nsh install.sh",
           "curl -fsSL https://x.example/install.sh -o /tmp/install.sh && bash /tmp/install.sh --yes",
           "curl -fsSLO https://x.example/dl/install.sh; chmod +x install.sh; ./install.sh",
           "curl -fsSL https://x.example/setup.sh > setup.sh\n. ./setup.sh",
           "wget https://x.example/pkg/setup-tool\nchmod a+x setup-tool\n./setup-tool",
           "wget -O /usr/local/bin/tool https://x.example/tool && chmod 0755 /usr/local/bin/tool && tool init",
           "Invoke-WebRequest -Uri https://x.example/i.ps1 -OutFile install.ps1\n& .\\install.ps1",
           "gh release download v1.2.3 -R acme/tool -p 'tool-installer.sh'\nbash tool-installer.sh",
           "curl -fsSLo /tmp/x https://x.example/x\ninstall -m 755 /tmp/x /usr/local/bin/xtool\nxtool --help",
       }) {
    const auto found = runs(script);
    ASSERT_EQ(found.size(), 1U) << script;
    EXPECT_EQ(found[0].kind, DownloadRun::Kind::FromFile) << script;
  }
}

TEST(FindDownloadRuns, VerificationBetweenDownloadAndRunSilences) {
  for (std::string_view script : {
           "curl -fsSLo i.sh https://x.example/i.sh\necho \"${SHA}  i.sh\" | sha256sum -c -\nsh i.sh",
           "curl -fsSLO https://x.example/i.sh\ncurl -fsSLO https://x.example/SHA256SUMS\n"
           "sha256sum --check --ignore-missing SHA256SUMS\nbash i.sh",
           "curl -fsSLo i.sh https://x.example/i.sh\nshasum -a 256 -c <<< \"$SHA  i.sh\"\nsh i.sh",
           "curl -fsSLo i.sh https://x.example/i.sh\ncurl -fsSLo i.sh.asc https://x.example/i.sh.asc\n"
           "gpg --batch --verify i.sh.asc i.sh\nsh i.sh",
           "curl -fsSLo tool https://x.example/tool\ncosign verify-blob --bundle tool.bundle tool\nchmod +x "
           "tool\n./tool",
           "curl -fsSLo tool https://x.example/tool\nsha256sum tool | grep -q \"$TOOL_SHA\"\nchmod +x tool && ./tool",
           "curl -fsSLo tool https://x.example/tool\n[ \"$(sha256sum tool | cut -d' ' -f1)\" = \"$SHA\" ] || exit 1\n"
           "chmod +x tool\n./tool",
           "curl -fsSLo m.sh https://x.example/m.sh\nminisign -Vm m.sh -P \"$PUBKEY\"\nsh m.sh",
       }) {
    EXPECT_TRUE(runs(script).empty()) << script;
  }
}

TEST(FindDownloadRuns, DownloadsThatAreNotRunStaySilent) {
  for (std::string_view script : {
           "curl -fsSL https://x.example/x.tar.gz -o x.tar.gz && tar xzf x.tar.gz",
           "wget https://x.example/pkg.deb && sudo dpkg -i pkg.deb",
           "curl -fsSLo tool https://x.example/tool\n./tool --version",  // never made executable: cannot run
           "curl -fsSLo i.sh https://x.example/i.sh\ncat i.sh",
           "curl -fsSLo i.sh https://x.example/i.sh\nbash other.sh",
           "cat > run.sh <<'EOF'\ncurl -fsSL https://x.example/i.sh | sh\nEOF\n",
       }) {
    EXPECT_TRUE(runs(script).empty()) << script;
  }
}

TEST(FindDownloadRuns, HeredocBodiesRunByAShellAreCommands) {
  // Dockerfile `RUN <<EOF` and `bash <<EOF` run their bodies; `cat <<EOF` (above) does not.
  EXPECT_EQ(runs("<<EOF\nset -e\ncurl -fsSL https://x.example/i.sh | sh\nEOF\n").size(), 1U);
  EXPECT_EQ(runs("bash -s <<'SCRIPT'\nwget -qO- https://x.example/i.sh | bash\nSCRIPT\n").size(), 1U);
}

TEST(FindDownloadRuns, StateCarriesADownloadToALaterScript) {
  DownloadState state;
  EXPECT_TRUE(find_download_runs("curl -fsSLo i.sh https://x.example/i.sh", 3, state).empty());
  const auto found = find_download_runs("echo start\nsh i.sh", 4, state);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].download_tag, 3);
  EXPECT_EQ(found[0].download_offset, 0U);
  EXPECT_EQ(found[0].file, "i.sh");
  EXPECT_EQ(found[0].source, "https://x.example/i.sh");
}

TEST(FindDownloadRuns, HostileInputIsBounded) {
  std::string deep(100000, '(');
  deep += "curl https://x | sh";
  EXPECT_NO_THROW(runs(deep));
  std::string subst;
  for (int i = 0; i < 5000; ++i) subst += "$(";
  subst += "curl https://x";
  EXPECT_NO_THROW(runs("bash -c \"" + subst));
  EXPECT_NO_THROW(runs(std::string(50000, '"') + "'\\"));
  EXPECT_NO_THROW(runs("cat <<"));
  EXPECT_NO_THROW(runs("cat <<EOF"));
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "curl -o f" + std::to_string(i) + " https://x/f\n";
  DownloadState state;
  EXPECT_TRUE(find_download_runs(many, 0, state).empty());
  EXPECT_LE(state.files.size(), 256U);
}

TEST(DownloadExecuteCheck, ShellScriptFromADeveloperBootstrap) {
  const auto scan = scan_config("scripts/bootstrap-dev.sh", test::read_data("config/shell/bootstrap-dev.sh"));
  EXPECT_EQ(scan.lines_of("download-and-execute"), (std::vector<int>{10, 15, 19, 34}));
  const auto found = scan.of("download-and-execute");
  ASSERT_EQ(found.size(), 4U);
  EXPECT_EQ(found[0].message, "sh runs https://sh.rustup.rs straight from curl (script)");
  EXPECT_EQ(found[0].path, "scripts/bootstrap-dev.sh");
  EXPECT_EQ(found[2].message,
            "bash runs https://raw.githubusercontent.com/Homebrew/install/HEAD/install.sh straight from curl (script)");
  EXPECT_EQ(found[3].message, "eval runs https://direnv.net/install.sh straight from wget (script)");
}

TEST(DownloadExecuteCheck, ToolInstallerDownloadsThenRuns) {
  const auto scan = scan_config("ci/install-tools.sh", test::read_data("config/shell/install-tools.sh"));
  EXPECT_EQ(scan.lines_of("download-and-execute"), (std::vector<int>{25, 29, 35}));
  const auto found = scan.of("download-and-execute");
  ASSERT_EQ(found.size(), 3U);
  EXPECT_EQ(found[0].message,
            "./get_helm.sh runs, but curl fetched it from "
            "https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 on line 23 with no checksum or "
            "signature check (script)");
  EXPECT_EQ(found[1].message,
            "sh runs get-docker.sh, but curl fetched it from https://get.docker.com on line 28 with no checksum or "
            "signature check (script)");
  EXPECT_EQ(found[2].message,
            "yq runs, but wget fetched it from https://github.com/mikefarah/yq/releases/download/v4.42.1/"
            "yq_linux_amd64 on line 32 with no checksum or signature check (script)");
}

TEST(DownloadExecuteCheck, InlineAllowCommentSuppresses) {
  const auto scan = scan_config("install.sh",
                                "#!/bin/sh\n# vigil:allow download-and-execute -- vendored installer, reviewed\n"
                                "curl -fsSL https://x.example/i.sh | sh\n");
  ASSERT_EQ(scan.count("download-and-execute"), 1U);
  EXPECT_TRUE(scan.of("download-and-execute")[0].suppressed.has_value());
}

}  // namespace
}  // namespace vigil::scan::config
