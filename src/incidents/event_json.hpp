// Parsing POST /api/v1/events bodies (untrusted input): a JSON array of events, or one event object, into the
// model's Events. Any invalid event rejects the whole batch with an error naming its index and field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "incidents/model.hpp"

namespace vigil::incidents {

constexpr size_t kMaxBatchEvents = 10000;
constexpr size_t kMaxEventString = 4096;    // source, rule, subject, title, label keys and values
constexpr size_t kMaxEventDetails = 65536;  // compact JSON text of "details"
constexpr size_t kMaxEventLabels = 64;
constexpr size_t kMaxFingerprint = 128;

// Events without "time" get now_ns.
Result<std::vector<Event>> parse_events_json(std::string_view body, int64_t now_ns);

// libFuzzer entry point (fuzz/fuzz_parser.cpp style); name is unused.
Result<std::vector<Event>> parse_events_fuzz(std::string_view name, std::string_view bytes);

// RFC 3339 date-time ("2026-11-27T15:04:05Z", "...05.123456789+02:00") to Unix ns; nullopt if malformed or
// outside the years 1900-2199.
std::optional<int64_t> parse_rfc3339(std::string_view text);

// Hex sha256 of source "\n" rule "\n" subject: an event's fingerprint when the sender gives none.
std::string default_fingerprint(std::string_view source, std::string_view rule, std::string_view subject);

// Labels from a JSON object of strings (as incident_json's append_labels_json writes them, e.g. in a store's
// column), sorted by key.
Result<Labels> parse_labels_json(std::string_view text);

}  // namespace vigil::incidents
