// storage.cpp: Storage's memory comes from, and goes back to, the block cache.
#include "core/storage.hpp"

#include <new>
#include <utility>

#include "core/block_cache.hpp"
#include "core/error.hpp"

namespace sf {

Storage::Storage(std::size_t nbytes) : nbytes_(nbytes) {
  Block b;
  try {
    b = allocate_block(nbytes);
  } catch (const std::bad_alloc&) {  // a message naming the size, instead of a bare std::bad_alloc
    fail<Error>("storage: out of memory: cannot allocate ", nbytes, " bytes (",
                static_cast<double>(nbytes) / 0x1p30, " GiB) for a tensor");
  }
  data_ = b.data;
  capacity_ = b.capacity;
}

Storage::~Storage() { release_block({data_, capacity_}); }

Storage::Storage(Storage&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      nbytes_(std::exchange(other.nbytes_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      version_(other.version_) {}

Storage& Storage::operator=(Storage&& other) noexcept {
  if (this != &other) {
    release_block({data_, capacity_});
    data_ = std::exchange(other.data_, nullptr);
    nbytes_ = std::exchange(other.nbytes_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    version_ = other.version_;
  }
  return *this;
}

}  // namespace sf
