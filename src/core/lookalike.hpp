// Lookalike-name detection: is a name one typo or one confusable character away from a well-known name without
// being it? Used for typosquatted GitHub Actions and (by the curated registry) image names.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace vigil {

// The entry of `known` that `name` imitates, or nullopt when `name` is itself known (ASCII case-insensitive) or is
// not close to any entry. Close: equal after folding confusables (0->o, 1/i/I/|->l, rn->m, vv->w, '_'->'-', case),
// or within an optimal-string-alignment distance of 1 (components of 4-10 characters) or 2 (longer ones) after
// folding; components under 4 characters must fold to equal. When both names have a '/', the part before the first
// '/' (owner) and the rest (repository) are compared separately and both must be close; under the same owner the
// repository may differ by one edit only (a sibling, not a typo, otherwise), and an owner with a word added
// ("docker-login/login-action") imitates the known owner when the repository is the same. Without a '/' on both
// sides the whole names are compared with '/' folded to '-' ("actions-checkout" imitates "actions/checkout").
// Names longer than 256 characters are never compared. Among several close entries the nearest wins (the first on a
// tie).
std::optional<std::string> lookalike_of(std::string_view name, std::span<const std::string_view> known);

// What lookalike_of folds a name to before comparing (exposed for tests and messages).
std::string fold_confusables(std::string_view name);

}  // namespace vigil
