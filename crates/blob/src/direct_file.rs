//! A segment on the local disk, written and read with `O_DIRECT`: past the page cache, whose
//! copies cost more CPU than the cipher on a fast disk. Writes are all or nothing.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::ops::Range;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

use bytes::Bytes;

use crate::segment_buffer::{DISK_PAGE, SegmentBuffer};

/// Writes `bytes` to `path`: into a `.partial` file beside it, flushed to the disk, then
/// renamed, so a reader never sees half a segment. A crash leaves only the `.partial` file,
/// which deleting the attachment removes with the rest.
pub(crate) fn write_segment(path: &Path, bytes: &mut SegmentBuffer) -> std::io::Result<()> {
    let directory = path.parent().expect("segment paths have a directory");
    std::fs::create_dir_all(directory)?;
    let staging = path.with_extension(format!(
        "partial-{:016x}",
        u64::from_le_bytes(zegel_crypto::random_bytes::<8>())
    ));
    let written = write_flushed(&staging, bytes).and_then(|()| std::fs::rename(&staging, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&staging);
    }
    written
}

fn write_flushed(path: &Path, bytes: &mut SegmentBuffer) -> std::io::Result<()> {
    let (mut file, direct) = create(path)?;
    if direct {
        // Whole pages go past the page cache; the zero padding is cut off again.
        file.write_all(bytes.padded_to_page())?;
        file.set_len(bytes.len() as u64)?;
    } else {
        file.write_all(bytes.as_ref())?;
    }
    file.sync_data()
}

/// The bytes `range` of the file (fewer when the file ends before), read as whole disk pages
/// into page-aligned memory.
pub(crate) fn read_range(path: &Path, range: Range<u64>) -> std::io::Result<Bytes> {
    let page = DISK_PAGE as u64;
    let first = range.start - range.start % page;
    let end = range.end.next_multiple_of(page);
    let (file, _) = open(path, OpenOptions::new().read(true))?;
    let mut buffer = SegmentBuffer::with_capacity((end - first) as usize);
    let space = buffer.append((end - first) as usize);
    let mut filled = 0;
    while filled < space.len() {
        match file.read_at(&mut space[filled..], first + filled as u64)? {
            0 => break, // the end of the file
            read => filled += read,
        }
    }
    buffer.truncate(filled);
    let from = ((range.start - first) as usize).min(filled);
    let to = ((range.end - first) as usize).min(filled);
    Ok(Bytes::from_owner(buffer).slice(from..to))
}

/// Creates the file for writing; see [`open`].
fn create(path: &Path) -> std::io::Result<(File, bool)> {
    // Not `create_new`: a file system without direct I/O may create the file before refusing.
    open(
        path,
        OpenOptions::new().write(true).create(true).truncate(true),
    )
}

/// Opens a file for direct I/O, or for ordinary I/O where the file system has none (tmpfs on
/// older kernels, some network file systems); says which.
fn open(path: &Path, options: &OpenOptions) -> std::io::Result<(File, bool)> {
    match options.clone().custom_flags(libc::O_DIRECT).open(path) {
        Ok(file) => Ok((file, true)),
        Err(error) if error.raw_os_error() == Some(libc::EINVAL) => {
            Ok((options.open(path)?, false))
        }
        Err(error) => Err(error),
    }
}
