// libgit2 helpers for the history scan: RAII for the library and its objects, error text, object-id hashing
// and a compact set of object ids.
#pragma once

#include <git2.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace vigil::repo::git {

// git_libgit2_init/shutdown are reference counted, so one guard per scan is "once" for the process.
// Owner validation (git's safe.directory) is turned off: it guards against running a stranger's hooks and
// filters, and a scan runs neither (raw objects and refs only), while CI checkouts often belong to another user.
struct Libgit2 {
  Libgit2() {
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
  }
  ~Libgit2() { git_libgit2_shutdown(); }
  Libgit2(const Libgit2&) = delete;
  Libgit2& operator=(const Libgit2&) = delete;
};

template <auto Free>
struct GitFree {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using RepoPtr = std::unique_ptr<git_repository, GitFree<git_repository_free>>;
using OdbPtr = std::unique_ptr<git_odb, GitFree<git_odb_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<git_tree_free>>;
using BlobPtr = std::unique_ptr<git_blob, GitFree<git_blob_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitFree<git_commit_free>>;
using RefPtr = std::unique_ptr<git_reference, GitFree<git_reference_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitFree<git_object_free>>;
using RefIterPtr = std::unique_ptr<git_reference_iterator, GitFree<git_reference_iterator_free>>;

inline std::string last_error() {
  const git_error* e = git_error_last();
  return e != nullptr && e->message != nullptr ? e->message : "unknown libgit2 error";
}

inline std::string hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

struct OidHash {
  size_t operator()(const git_oid& id) const {
    size_t h = 0;
    std::memcpy(&h, id.id, sizeof h);  // object ids are already uniformly distributed
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b) != 0; }
};

// Open-addressing set of object ids: every tree and blob of a large history goes in, so about 30 bytes per id
// instead of the ~64 of a node-based set. The all-zero id marks an empty slot (no object has it).
class OidSet {
  static bool empty_slot(const git_oid& id) {
    static constexpr unsigned char kZero[GIT_OID_RAWSZ] = {};
    return std::memcmp(id.id, kZero, GIT_OID_RAWSZ) == 0;
  }

 public:
  bool insert(const git_oid& id) {  // true when id was not there yet
    if (empty_slot(id)) {
      return false;
    }
    if ((size_ + 1) * 10 > slots_.size() * 7) {
      grow();
    }
    const size_t mask = slots_.size() - 1;
    for (size_t i = OidHash{}(id)&mask;; i = (i + 1) & mask) {
      if (empty_slot(slots_[i])) {
        slots_[i] = id;
        ++size_;
        return true;
      }
      if (std::memcmp(slots_[i].id, id.id, GIT_OID_RAWSZ) == 0) {
        return false;
      }
    }
  }
  [[nodiscard]] bool contains(const git_oid& id) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = OidHash{}(id)&mask;; i = (i + 1) & mask) {
      if (empty_slot(slots_[i])) {
        return false;
      }
      if (std::memcmp(slots_[i].id, id.id, GIT_OID_RAWSZ) == 0) {
        return true;
      }
    }
  }

 private:
  void grow() {
    std::vector<git_oid> old(slots_.size() * 2);
    old.swap(slots_);
    size_ = 0;
    for (const auto& id : old) {
      if (!empty_slot(id)) {
        insert(id);
      }
    }
  }
  std::vector<git_oid> slots_ = std::vector<git_oid>(1024);
  size_t size_ = 0;
};

}  // namespace vigil::repo::git
