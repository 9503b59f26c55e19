// OCI / Docker image configuration: platform, run settings, build history and rootfs.diff_ids (the digests of the
// uncompressed layers), and the history line that made each layer.
#include <string>

#include "formats/oci.hpp"
#include "formats/oci/oci_json.hpp"

namespace vigil::formats::oci {
namespace {

constexpr size_t kMaxConfigBytes = 8U << 20U;
constexpr size_t kMaxLayers = 1000;
constexpr size_t kMaxHistory = 10000;
constexpr size_t kMaxEnv = 10000;
constexpr size_t kMaxArgs = 10000;  // Entrypoint / Cmd words
constexpr size_t kMaxLabels = 10000;

// Docker writes null for unset values ("Cmd": null); treat null like absent.
bool optional_object(json::object parent, std::string_view key, json::object& out, bool& present, std::string& error,
                     std::string_view where) {
  json::element e;
  present = false;
  if (parent[key].get(e) || e.is_null()) {
    return true;
  }
  if (e.get_object().get(out)) {
    error = std::string(where) + std::string(key) + " is a JSON " + std::string(json::type_name(e)) +
            ", expected an object";
    return false;
  }
  present = true;
  return true;
}

Result<void> read_run_config(json::object root, ImageConfig& out) {
  json::object config;
  bool present = false;
  std::string error;
  if (!optional_object(root, "config", config, present, error, "")) {
    return fail(error);
  }
  if (!present) {
    return {};
  }
  auto ok = detail::read_string(config, "User", "config.", out.user);
  if (ok) ok = detail::read_string(config, "WorkingDir", "config.", out.working_dir);
  if (ok) ok = detail::read_string_array(config, "Env", "config.", kMaxEnv, out.env);
  if (ok) ok = detail::read_string_array(config, "Entrypoint", "config.", kMaxArgs, out.entrypoint);
  if (ok) ok = detail::read_string_array(config, "Cmd", "config.", kMaxArgs, out.cmd);
  if (!ok) {
    return ok;
  }
  json::object labels;
  if (!optional_object(config, "Labels", labels, present, error, "config.")) {
    return fail(error);
  }
  if (!present) {
    return {};
  }
  if (labels.size() > kMaxLabels) {
    return fail("config.Labels has more than 10000 entries");
  }
  for (auto [key, value] : labels) {
    std::string_view text;
    if (value.get_string().get(text)) {
      return fail("config.Labels." + detail::quoted(key) + " is a JSON " + std::string(json::type_name(value)) +
                  ", expected a string");
    }
    out.labels.emplace_back(std::string(key), std::string(text));
  }
  return {};
}

Result<void> read_history(json::object root, ImageConfig& out) {
  json::element e;
  if (root["history"].get(e) || e.is_null()) {
    return {};
  }
  json::array arr;
  if (e.get_array().get(arr)) {
    return fail("history is a JSON " + std::string(json::type_name(e)) + ", expected an array");
  }
  if (arr.size() > kMaxHistory) {
    return fail("history has " + std::to_string(arr.size()) + " entries, more than the limit of 10000");
  }
  for (json::element item : arr) {
    const std::string where = "history[" + std::to_string(out.history.size()) + "].";
    json::object obj;
    if (item.get_object().get(obj)) {
      return fail(where.substr(0, where.size() - 1) + " is a JSON " + std::string(json::type_name(item)) +
                  ", expected an object");
    }
    HistoryEntry h;
    auto ok = detail::read_string(obj, "created", where, h.created);
    if (ok) ok = detail::read_string(obj, "created_by", where, h.created_by);
    if (ok) ok = detail::read_string(obj, "comment", where, h.comment);
    if (!ok) {
      return ok;
    }
    json::element empty;
    if (!obj["empty_layer"].get(empty) && !empty.is_null() && empty.get_bool().get(h.empty_layer)) {
      return fail(where + "empty_layer is a JSON " + std::string(json::type_name(empty)) + ", expected a boolean");
    }
    out.history.push_back(std::move(h));
  }
  return {};
}

Result<void> read_rootfs(json::object root, ImageConfig& out) {
  json::object rootfs;
  bool present = false;
  std::string error;
  if (!optional_object(root, "rootfs", rootfs, present, error, "")) {
    return fail(error);
  }
  if (!present) {
    return {};
  }
  if (auto ok = detail::read_string_array(rootfs, "diff_ids", "rootfs.", kMaxLayers, out.diff_ids); !ok) {
    return ok;
  }
  for (size_t i = 0; i < out.diff_ids.size(); ++i) {
    if (!valid_digest(out.diff_ids[i])) {
      return fail("rootfs.diff_ids[" + std::to_string(i) + "] " + detail::quoted(out.diff_ids[i]) +
                  " is not a valid digest (sha256: and 64 lowercase hex digits)");
    }
  }
  return {};
}

}  // namespace

Result<ImageConfig> parse_image_config(std::string_view bytes) {
  if (bytes.size() > kMaxConfigBytes) {
    return fail("image config is " + std::to_string(bytes.size()) + " bytes, more than the limit of 8 MiB");
  }
  simdjson::dom::parser parser;
  auto root = json::parse_object(parser, bytes, "image config");
  if (!root) {
    return tl::unexpected(root.error());
  }
  ImageConfig out;
  auto ok = detail::read_string(*root, "os", "", out.platform.os);
  if (ok) ok = detail::read_string(*root, "architecture", "", out.platform.architecture);
  if (ok) ok = detail::read_string(*root, "variant", "", out.platform.variant);
  if (ok) ok = detail::read_string(*root, "created", "", out.created);
  if (ok) ok = read_run_config(*root, out);
  if (ok) ok = read_history(*root, out);
  if (ok) ok = read_rootfs(*root, out);
  if (!ok) {
    return tl::unexpected(ok.error());
  }
  return out;
}

const HistoryEntry* history_for_layer(const ImageConfig& config, size_t layer_index) {
  size_t layer = 0;
  for (const auto& entry : config.history) {
    if (entry.empty_layer) {
      continue;
    }
    if (layer == layer_index) {
      return &entry;
    }
    ++layer;
  }
  return nullptr;
}

Result<Parsed> parse_image_config_fuzz(std::string_view /*path*/, std::string_view bytes) {
  auto config = parse_image_config(bytes);
  if (!config) {
    return tl::unexpected(config.error());
  }
  for (size_t i = 0; i < config->diff_ids.size(); ++i) {
    (void)history_for_layer(*config, i);
  }
  return Parsed{};
}

}  // namespace vigil::formats::oci
