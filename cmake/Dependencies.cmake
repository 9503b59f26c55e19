# Every third-party dependency of Vigil, all from Debian packages (README lists the apt line).
# Nothing is fetched at configure time.
find_package(Threads REQUIRED)
find_package(tl-expected REQUIRED)          # libexpected-dev
find_package(fmt REQUIRED)                  # libfmt-dev
find_package(CLI11 REQUIRED)                # libcli11-dev
find_package(nlohmann_json REQUIRED)        # nlohmann-json3-dev (documents we build)
find_package(simdjson REQUIRED)             # libsimdjson-dev (bulk JSON input)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBYAML REQUIRED IMPORTED_TARGET yaml-0.1)  # libyaml-dev (event parser under formats/yaml)
find_package(tomlplusplus REQUIRED)         # libtomlplusplus-dev
find_package(pugixml REQUIRED)              # libpugixml-dev
find_package(LibArchive REQUIRED)           # libarchive-dev
find_package(SQLite3 REQUIRED)              # libsqlite3-dev
find_package(ZLIB REQUIRED)                 # zlib1g-dev
find_package(OpenSSL REQUIRED)              # libssl-dev
pkg_check_modules(HS REQUIRED IMPORTED_TARGET libhs)          # libhyperscan-dev (secret rules, one database)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)  # libpcre2-dev (secret capture groups on matches)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2)   # libgit2-dev (scan repo: every blob of history)
find_package(CURL REQUIRED)                 # libcurl4-openssl-dev (vulnerability feed downloads)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # libcpp-httplib-dev: the one HTTP server stack
find_package(PostgreSQL REQUIRED)           # libpq-dev: the incidents store for several instances
pkg_check_modules(LIBBPF REQUIRED IMPORTED_TARGET libbpf)     # libbpf-dev (+ libelf-dev): the eBPF sensor
# The sensor's probes are compiled for the BPF target by clang and wrapped in a skeleton header by bpftool.
find_program(VIGIL_BPF_CLANG NAMES clang clang-19 clang-14 REQUIRED)  # clang (BPF backend)
find_program(VIGIL_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)  # bpftool
if(VIGIL_BUILD_TESTS)
  find_package(GTest REQUIRED)              # libgtest-dev, libgmock-dev
endif()
if(VIGIL_BUILD_BENCH)
  find_package(benchmark REQUIRED)          # libbenchmark-dev
endif()
