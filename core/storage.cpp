// storage.cpp: aligned allocation for Storage.
#include "core/storage.hpp"

#include <new>
#include <utility>

namespace sf {

Storage::Storage(std::size_t nbytes) : nbytes_(nbytes) {
  // operator new with an alignment: the standard way to get aligned memory that throws
  // std::bad_alloc (rather than returning null) when the request cannot be met.
  if (nbytes_ > 0) data_ = ::operator new(nbytes_, std::align_val_t{kAlignment});
}

Storage::~Storage() {
  if (data_) ::operator delete(data_, std::align_val_t{kAlignment});
}

Storage::Storage(Storage&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      nbytes_(std::exchange(other.nbytes_, 0)),
      version_(other.version_) {}

Storage& Storage::operator=(Storage&& other) noexcept {
  if (this != &other) {
    if (data_) ::operator delete(data_, std::align_val_t{kAlignment});
    data_ = std::exchange(other.data_, nullptr);
    nbytes_ = std::exchange(other.nbytes_, 0);
    version_ = other.version_;
  }
  return *this;
}

}  // namespace sf
