// A scan's findings as incidents events (docs/incidents.md: source, rule, severity, subject, title, time, labels,
// details), for `vigil scan --incidents URL`. The subject is what was scanned (an image digest, host:path, the SBOM
// file), so the service's subject correlation gathers one scan's findings into few incidents.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "report/report.hpp"

namespace vigil::report {

// One compact JSON object per unsuppressed vulnerability, secret and misconfiguration. host names the machine a
// path belongs to (fs, rootfs, repo); images are named by manifest digest alone.
std::vector<std::string> incident_events(const Report& report, std::string_view host);

// What the events call the scanned thing: "image@sha256:...", "HOST:/abs/path", or the target as given.
std::string scan_subject(const Report& report, std::string_view host);

}  // namespace vigil::report
