// result<T>: a value or the reason there is none. Expected failures (bad input, a refused
// operation) are values of this type, never exceptions.
#ifndef MMDREG_RESULT_HPP
#define MMDREG_RESULT_HPP

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mmdreg {

/// Broad classes of failure. The numeric values are part of the C ABI: never reuse one.
enum class errc : int {
  ok = 0,
  invalid_argument = 1,  ///< the input is malformed or out of range
  not_found = 2,         ///< the thing named does not exist
  refused = 3,           ///< the operation is not allowed in the current state or for this actor
  io = 4,                ///< reading or writing a file failed
  conflict = 5,          ///< the operation collides with existing data
  unsupported = 6,       ///< a format or version this build does not handle
  internal = 7,          ///< a bug in mmdreg; the message says where
};

/// The textual name of an errc ("invalid_argument", ...).
std::string_view errc_name(errc code) noexcept;

/// Why an operation did not produce a value.
struct error {
  errc code = errc::internal;
  std::string message;  ///< a sentence a person can act on: what is wrong and where
};

/// Thrown only by result<T>::value() on a result that holds an error: a programming error.
class bad_result_access : public std::logic_error {
 public:
  explicit bad_result_access(const error& e) : std::logic_error(e.message), code_(e.code) {}
  errc code() const noexcept { return code_; }

 private:
  errc code_;
};

/// Either a T or an error. Check ok() (or the bool conversion) before value().
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  result(error e) : state_(std::in_place_index<1>, std::move(e)) {}      // NOLINT: implicit

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  /// The value; throws bad_result_access when the result holds an error.
  T& value() & {
    check();
    return std::get<0>(state_);
  }
  const T& value() const& {
    check();
    return std::get<0>(state_);
  }
  T&& value() && {
    check();
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  /// The error; only meaningful when !ok().
  const error& err() const {
    static const error none{errc::ok, {}};
    return ok() ? none : std::get<1>(state_);
  }

 private:
  void check() const {
    if (!ok()) throw bad_result_access(std::get<1>(state_));
  }
  std::variant<T, error> state_;
};

/// The result of an operation that produces nothing but can fail.
struct [[nodiscard]] status {
  status() = default;
  status(error e) : failure(std::move(e)) {}  // NOLINT: implicit
  bool ok() const noexcept { return failure.code == errc::ok; }
  explicit operator bool() const noexcept { return ok(); }
  const error& err() const noexcept { return failure; }
  error failure{errc::ok, {}};
};

}  // namespace mmdreg

#endif
