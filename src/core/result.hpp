// Result<T> and Error: how every function that can fail on input reports it.
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace vigil {

struct Error {
  std::string message;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(std::string message) {
  return tl::unexpected<Error>(Error{std::move(message)});
}

}  // namespace vigil
