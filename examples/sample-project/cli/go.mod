module github.com/example/service

go 1.21

toolchain go1.21.5

require (
	github.com/prometheus/client_golang v1.18.0
	github.com/spf13/cobra v1.8.0
	golang.org/x/net v0.19.0
	golang.org/x/sync v0.5.0
	github.com/example/internal-lib v0.0.0-00010101000000-000000000000
)

require "gopkg.in/yaml.v3" v3.0.1

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.2.0 // indirect
	github.com/golang/protobuf v1.5.3 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.5 // indirect
	golang.org/x/sys v0.15.0 // indirect
	google.golang.org/protobuf v1.31.0 // indirect
)

// CVE-2023-44487: pin a fixed x/net everywhere.
replace golang.org/x/net => golang.org/x/net v0.23.0

replace (
	github.com/golang/protobuf v1.5.3 => github.com/example/protobuf-fork v1.5.4-patched
	github.com/example/internal-lib => ../internal-lib
)

exclude github.com/bad/module v1.0.0

retract (
	v1.0.1 // published by mistake
	[v1.1.0, v1.1.5]
)
