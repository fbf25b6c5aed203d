//! Segment bytes in memory aligned to disk pages, so that the local store can write and read
//! them with `O_DIRECT`: past the page cache, whose copying and write-back throttling cost more
//! than the cipher on a fast disk.

use std::alloc::{Layout, handle_alloc_error};
use std::ptr::NonNull;
use std::sync::Mutex;

/// The alignment `O_DIRECT` asks of memory, file offsets and lengths on every common disk.
pub(crate) const DISK_PAGE: usize = 4096;

/// Free mappings kept for the next buffer, at most this many bytes in all: mapping and
/// populating fresh memory for every 2 MiB read costs more than the cipher.
const POOL_BYTES: usize = 32 << 20;

static POOL: Mutex<Vec<Mapping>> = Mutex::new(Vec::new());

/// Page-aligned memory mapped straight from the kernel, not from the allocator: given back
/// whole when dropped. (Large blocks freed on other threads otherwise stay in the allocator's
/// arenas and the process grows with every download.)
struct Mapping {
    start: NonNull<u8>,
    capacity: usize,
}

// SAFETY: the mapping is owned exclusively, like a `Vec<u8>`'s memory.
unsafe impl Send for Mapping {}
// SAFETY: shared access only reads.
unsafe impl Sync for Mapping {}

impl Mapping {
    fn new(capacity: usize) -> Self {
        // SAFETY: an anonymous private mapping; no file, no fixed address. Populated at once:
        // one call instead of a page fault per page.
        let start = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                capacity,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_POPULATE,
                -1,
                0,
            )
        };
        if start == libc::MAP_FAILED {
            let layout = Layout::from_size_align(capacity, DISK_PAGE).expect("page aligned");
            handle_alloc_error(layout);
        }
        Self {
            start: NonNull::new(start.cast()).expect("mmap never maps address zero"),
            capacity,
        }
    }

    /// A pooled mapping of at least `capacity` bytes (and not much more), or a new one.
    fn take(capacity: usize) -> Self {
        let mut pool = POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let fits = |m: &Mapping| m.capacity >= capacity && m.capacity <= capacity + capacity / 8;
        match pool.iter().position(fits) {
            Some(index) => pool.swap_remove(index),
            None => {
                drop(pool);
                Self::new(capacity)
            }
        }
    }

    /// Keeps the mapping for the next buffer while the pool has room; unmaps it otherwise.
    fn give_back(self) {
        let mut pool = POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let pooled: usize = pool.iter().map(|m| m.capacity).sum();
        if pooled + self.capacity <= POOL_BYTES {
            pool.push(self);
        }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `start` points at `capacity` mapped, initialised bytes owned by `self`.
        unsafe { std::slice::from_raw_parts(self.start.as_ptr(), self.capacity) }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `bytes`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.start.as_ptr(), self.capacity) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: mapped in `new` with this very length, and no longer used.
        unsafe { libc::munmap(self.start.as_ptr().cast(), self.capacity) };
    }
}

/// A fixed-capacity byte buffer whose start and capacity are multiples of [`DISK_PAGE`].
/// Its memory may hold an earlier buffer's bytes: [`SegmentBuffer::append`] hands out space
/// that the caller overwrites whole.
pub(crate) struct SegmentBuffer {
    /// Always `Some` until the buffer is dropped.
    mapping: Option<Mapping>,
    len: usize,
}

impl SegmentBuffer {
    /// An empty buffer for at least `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1).next_multiple_of(DISK_PAGE);
        Self {
            mapping: Some(Mapping::take(capacity)),
            len: 0,
        }
    }

    /// A buffer holding a copy of `bytes`.
    pub(crate) fn from_slice(bytes: &[u8]) -> Self {
        let mut buffer = Self::with_capacity(bytes.len());
        buffer.append(bytes.len()).copy_from_slice(bytes);
        buffer
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Counts the next `count` bytes as filled and hands them out to be overwritten.
    pub(crate) fn append(&mut self, count: usize) -> &mut [u8] {
        let from = self.len;
        let whole = self.whole_mut();
        assert!(from + count <= whole.len(), "segment buffer overflow");
        self.len += count;
        &mut self.whole_mut()[from..from + count]
    }

    /// Keeps only the first `len` bytes as filled.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// The filled bytes and zeros after them up to the next page boundary.
    pub(crate) fn padded_to_page(&mut self) -> &[u8] {
        let (len, padded) = (self.len, self.len.next_multiple_of(DISK_PAGE));
        self.whole_mut()[len..padded].fill(0);
        &self.whole()[..padded]
    }

    fn whole(&self) -> &[u8] {
        self.mapping
            .as_ref()
            .expect("present until dropped")
            .bytes()
    }

    fn whole_mut(&mut self) -> &mut [u8] {
        self.mapping
            .as_mut()
            .expect("present until dropped")
            .bytes_mut()
    }
}

impl AsRef<[u8]> for SegmentBuffer {
    fn as_ref(&self) -> &[u8] {
        &self.whole()[..self.len]
    }
}

impl Drop for SegmentBuffer {
    fn drop(&mut self) {
        if let Some(mapping) = self.mapping.take() {
            mapping.give_back();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_and_padded_length_are_page_aligned_and_padding_is_zero() {
        // A reused mapping still holds the bytes of the buffer before.
        drop(SegmentBuffer::from_slice(&[0xff; 3 * DISK_PAGE]));
        let mut buffer = SegmentBuffer::with_capacity(3 * DISK_PAGE);
        buffer.append(5).copy_from_slice(b"hello");
        buffer.append(3).copy_from_slice(b"abc");
        assert_eq!(buffer.as_ref(), b"helloabc");
        assert_eq!(buffer.as_ref().as_ptr() as usize % DISK_PAGE, 0);
        let padded = buffer.padded_to_page();
        assert_eq!(padded.len(), DISK_PAGE);
        assert!(padded[8..].iter().all(|&b| b == 0));
    }

    #[test]
    fn truncating_keeps_the_start() {
        let mut buffer = SegmentBuffer::from_slice(b"segment");
        buffer.truncate(3);
        assert_eq!(buffer.as_ref(), b"seg");
        buffer.truncate(10);
        assert_eq!(buffer.as_ref(), b"seg");
    }

    #[test]
    #[should_panic(expected = "segment buffer overflow")]
    fn cannot_grow_past_its_capacity() {
        let mut buffer = SegmentBuffer::with_capacity(DISK_PAGE);
        buffer.append(DISK_PAGE + 1);
    }
}
