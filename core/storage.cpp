// storage.cpp: Storage's memory comes from, and goes back to, the block cache.
#include "core/storage.hpp"

#include <utility>

#include "core/block_cache.hpp"

namespace sf {

Storage::Storage(std::size_t nbytes) : nbytes_(nbytes) {
  const Block b = allocate_block(nbytes);  // throws std::bad_alloc when memory runs out
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
