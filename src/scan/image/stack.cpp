// Stacking layers the way an overlay filesystem does (OCI image spec, "Applying changesets"): a path from layer i
// is hidden by a later layer j that writes it, writes a non-directory at one of its parents, deletes it or a
// parent (".wh."), or marks a parent opaque. Packages survive only when their file does; secrets are kept
// either way, with the layer that removed them.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "model/purl.hpp"
#include "scan/image/image_scan.hpp"
#include "scan/inventory.hpp"

namespace vigil::scan {
namespace {

using image_layers::LayerFindings;
using image_layers::path_hash;

// The file a package came from: "app/x.war!/WEB-INF/lib/y.jar" came from app/x.war.
std::string_view file_of(std::string_view location) {
  const size_t bang = location.find("!/");
  return bang == std::string_view::npos ? location : location.substr(0, bang);
}

class Stack {
 public:
  explicit Stack(std::span<const LayerFindings> layers) : layers_(layers), removed_(layers.size()) {
    for (size_t j = 0; j < layers.size(); ++j) {
      for (const auto& w : layers[j].whiteouts) removed_[j].deleted.insert(path_hash(w));
      for (const auto& o : layers[j].opaque_dirs) removed_[j].opaque.insert(path_hash(o));
    }
  }

  // The first layer after `layer` that hides path, or -1 when path is in the final view.
  [[nodiscard]] int hidden_after(std::string_view path, size_t layer) const {
    for (size_t j = layer + 1; j < layers_.size(); ++j) {
      if (hides(j, path)) return static_cast<int>(j);
    }
    return -1;
  }

  // The layer that introduced a package found in `layer`: walk down while each earlier version of its file
  // (that nothing deleted in between) listed the same package.
  [[nodiscard]] size_t introduced(const model::Package& pkg, size_t layer) {
    const std::string_view path = file_of(pkg.location);
    const uint64_t hash = path_hash(path);
    size_t current = layer;
    for (size_t j = layer; j-- > 0;) {
      if (!std::binary_search(layers_[j].written.begin(), layers_[j].written.end(), hash)) continue;
      if (hidden_after(path, j) != static_cast<int>(current) || !lists(j, pkg)) break;
      current = j;
    }
    return current;
  }

 private:
  struct Removed {
    std::unordered_set<uint64_t> deleted;
    std::unordered_set<uint64_t> opaque;
  };

  [[nodiscard]] bool hides(size_t j, std::string_view path) const {
    const LayerFindings& l = layers_[j];
    const uint64_t own = path_hash(path);
    if (std::binary_search(l.written.begin(), l.written.end(), own) || removed_[j].deleted.contains(own)) return true;
    if (removed_[j].opaque.contains(path_hash(""))) return true;
    for (size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1)) {
      const uint64_t parent = path_hash(path.substr(0, slash));
      if (std::binary_search(l.written_non_dirs.begin(), l.written_non_dirs.end(), parent) ||
          removed_[j].deleted.contains(parent) || removed_[j].opaque.contains(parent)) {
        return true;
      }
    }
    return false;
  }

  static std::string identity(const model::Package& p) {
    return fmt::format("{}\n{}\n{}\n{}", p.location, model::ecosystem_name(p.ecosystem), p.name, p.version);
  }

  bool lists(size_t j, const model::Package& pkg) {
    auto& index = identities_[j];
    if (index.empty()) {
      for (const auto& p : layers_[j].packages) index.insert(identity(p));
    }
    return index.contains(identity(pkg));
  }

  std::span<const LayerFindings> layers_;
  std::vector<Removed> removed_;
  std::unordered_map<size_t, std::unordered_set<std::string>> identities_;
};

void stack_secrets(const Stack& stack, std::span<const LayerFindings> layers, std::span<const model::LayerPtr> refs,
                   model::Inventory& out) {
  // One finding per secret (fingerprint: rule + path + value), from the layer that first had it; "deleted in"
  // is judged from the last layer that still had it.
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < layers.size(); ++i) {
    for (const auto& s : layers[i].secrets) {
      const std::string key = s.fingerprint + "\n" + std::to_string(s.line);
      auto [it, fresh] = seen.try_emplace(key, out.secrets.size());
      if (fresh) {
        out.secrets.push_back(s);
        out.secrets.back().layer = refs[i];
      }
      out.secrets[it->second].deleted_in_layer = stack.hidden_after(s.path, i);
    }
  }
}

}  // namespace

model::Inventory stack_layers(std::span<const LayerFindings> layers, std::span<const model::LayerPtr> refs) {
  model::Inventory out;
  Stack stack(layers);
  for (size_t i = 0; i < layers.size(); ++i) {
    for (const auto& pkg : layers[i].packages) {
      if (stack.hidden_after(file_of(pkg.location), i) >= 0) continue;
      out.packages.push_back(pkg);
      out.packages.back().layer = refs[stack.introduced(pkg, i)];
    }
    for (const auto& os : layers[i].os) {
      if (stack.hidden_after(os.location, i) >= 0) continue;
      // Prefer the better file (os-release over fallbacks); among equals, the higher layer.
      if (!out.os || os_location_rank(os.location) <= os_location_rank(out.os->location)) {
        out.os = os;
      }
    }
    for (const auto& w : layers[i].warnings) {
      out.warnings.push_back({w.file, w.line, fmt::format("layer {}: {}", i, w.message)});
    }
  }
  stack_secrets(stack, layers, refs, out);
  model::sort_packages(out.packages);
  std::sort(out.secrets.begin(), out.secrets.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.line, a.column, a.rule) < std::tie(b.path, b.line, b.column, b.rule);
  });
  model::assign_purls(out);
  return out;
}

}  // namespace vigil::scan
