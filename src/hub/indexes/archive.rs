//! An index's records read from a GitHub archive of its repository (`.tar.gz`, one request for
//! the whole index). The archive is untrusted input, read in memory and never unpacked to disk:
//! what it unpacks to is capped (a gzip bomb stops with an error), only regular files count (no
//! symlinks, hard links or devices), a name with `..` or an absolute path is passed over, a
//! record over the size limit is skipped as a truncated download is, and an archive that is cut
//! short or corrupt is an error, so a partial index is never served as the whole.

use std::cell::Cell;
use std::io::{self, Read};

use flate2::read::GzDecoder;
use tar::EntryType;

use super::is_record;
use crate::hub::error::SourceError;
use crate::linked::{IndexName, IndexRecord};

/// How much of an archive is read.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// The most bytes the archive may unpack to (the tar stream, every entry counted).
    pub unpacked: u64,
    /// The most records kept.
    pub records: usize,
    /// The largest record kept; a larger one is skipped.
    pub record_bytes: usize,
    /// The most bytes of records kept.
    pub total_bytes: usize,
}

/// A reader that fails, and says so in `over`, once more than `left` bytes come out of it:
/// the bound on what a small compressed body may unpack to.
struct Capped<'a, R> {
    inner: R,
    left: u64,
    over: &'a Cell<bool>,
}

impl<R: Read> Read for Capped<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // At the cap: the end of the stream is fine, one byte more is not.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? == 0 {
                return Ok(0);
            }
            self.over.set(true);
            return Err(io::Error::other("the archive unpacks to more than allowed"));
        }
        let room = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..room])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// The record's file name when the archive path `path` holds one of `index`'s records: the
/// first component (GitHub's `REPO-REF/`) stripped, then `models/NAME` for the Model Openness
/// Tool and a top-level `NAME` for the European Open Source AI Index.
fn record_name(index: IndexName, path: &[u8]) -> Option<String> {
    let path = std::str::from_utf8(path).ok()?;
    if path.starts_with('/') || path.split('/').any(|c| c == "..") {
        return None;
    }
    let (_root, inside) = path.split_once('/')?;
    let name = match index {
        IndexName::ModelOpennessTool => inside.strip_prefix("models/")?,
        IndexName::OsaiIndex => inside,
    };
    (!name.is_empty() && !name.contains('/') && is_record(index, name)).then(|| name.to_string())
}

/// The records of `index` in the `.tar.gz` body `gz` fetched from `url`.
pub(super) fn records(
    index: IndexName,
    url: &str,
    gz: &[u8],
    limits: &Limits,
) -> Result<Vec<IndexRecord>, SourceError> {
    let over = Cell::new(false);
    let unreadable = |e: io::Error| {
        SourceError::BadResponse(if over.get() {
            format!(
                "{url}: the archive unpacks to more than {} MiB; not read",
                limits.unpacked / (1024 * 1024)
            )
        } else {
            format!("{url}: not a readable .tar.gz archive (cut short or corrupt): {e}")
        })
    };
    let mut archive = tar::Archive::new(Capped {
        inner: GzDecoder::new(gz),
        left: limits.unpacked,
        over: &over,
    });
    let mut records = Vec::new();
    let mut total = 0usize;
    for entry in archive.entries().map_err(unreadable)? {
        let mut entry = entry.map_err(unreadable)?;
        // Links and devices are never followed: a record is a regular file's own bytes.
        if entry.header().entry_type() != EntryType::Regular || records.len() >= limits.records {
            continue;
        }
        let Some(name) = record_name(index, &entry.path_bytes()) else {
            continue;
        };
        // A record over the limit is not read: half a record could drop a component. The
        // entry's bytes are skipped by the next `entries` step, still counted by the cap.
        if entry.size() > limits.record_bytes as u64 {
            continue;
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(limits.record_bytes as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() > limits.record_bytes {
            continue;
        }
        total += bytes.len();
        if total > limits.total_bytes {
            return Err(SourceError::BadResponse(format!(
                "{url}: the records exceed {} MiB",
                limits.total_bytes / (1024 * 1024)
            )));
        }
        records.push(IndexRecord {
            file: name,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    // The rest of the stream is read too: gzip's length and checksum come last, and only they
    // tell a whole archive from one cut short at an entry's end.
    io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(unreadable)?;
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use tar::{Builder, Header};

    const LIMITS: Limits = Limits {
        unpacked: 1024 * 1024,
        records: 10,
        record_bytes: 1024,
        total_bytes: 4 * 1024,
    };

    const RECORD: &str = "release:\n  name: Pythia-70M\n  license: Apache-2.0\n";

    fn header(kind: EntryType, size: usize) -> Header {
        let mut h = Header::new_gnu();
        h.set_entry_type(kind);
        h.set_size(size as u64);
        h.set_mode(0o644);
        h
    }

    /// A `.tar.gz` of regular files named as given.
    fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
        for (path, bytes) in files {
            b.append_data(&mut header(EntryType::Regular, bytes.len()), path, *bytes)
                .unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    fn names(records: &[IndexRecord]) -> Vec<&str> {
        records.iter().map(|r| r.file.as_str()).collect()
    }

    fn mot(gz: &[u8], limits: &Limits) -> Result<Vec<IndexRecord>, SourceError> {
        records(
            IndexName::ModelOpennessTool,
            "http://x/a.tar.gz",
            gz,
            limits,
        )
    }

    fn bad_response(r: Result<Vec<IndexRecord>, SourceError>) -> String {
        match r {
            Err(SourceError::BadResponse(m)) => m,
            other => panic!("expected a bad-response error, got {other:?}"),
        }
    }

    #[test]
    fn records_are_read_from_their_folder_only() {
        let gz = tar_gz(&[
            (
                "model_openness_tool-main/models/Pythia-70M.yml",
                RECORD.as_bytes(),
            ),
            (
                "model_openness_tool-main/models/OLMo-7B.yaml",
                b"release: {}\n",
            ),
            (
                "model_openness_tool-main/schema/sample_model.yml",
                b"x: 1\n",
            ),
            (
                "model_openness_tool-main/models/deeper/Other.yml",
                b"x: 1\n",
            ),
            ("model_openness_tool-main/models/README.md", b"# models\n"),
        ]);
        let got = mot(&gz, &LIMITS).unwrap();
        assert_eq!(names(&got), ["Pythia-70M.yml", "OLMo-7B.yaml"]);
        assert_eq!(got[0].text, RECORD);

        let gz = tar_gz(&[
            ("main-database-main/OLMo.yaml", b"system: {}\n"),
            ("main-database-main/_parameters.yml", b"x: 1\n"),
            ("main-database-main/a_submission_template.yaml", b"x: 1\n"),
            ("main-database-main/sub/Other.yaml", b"x: 1\n"),
        ]);
        let got = records(IndexName::OsaiIndex, "http://x", &gz, &LIMITS).unwrap();
        assert_eq!(names(&got), ["OLMo.yaml"]);
    }

    #[test]
    fn a_gzip_bomb_stops_with_an_error_naming_the_url() {
        let zeros = vec![0u8; 4 * 1024 * 1024];
        let gz = tar_gz(&[("r-main/models/Big.bin", &zeros)]);
        assert!(gz.len() < 64 * 1024, "{}", gz.len());
        let m = bad_response(mot(&gz, &LIMITS));
        assert!(m.starts_with("http://x/a.tar.gz: "), "{m}");
        assert!(m.contains("unpacks to more than 1 MiB"), "{m}");
        // A stream of zeros that is not even a tar (its first block reads as the end): capped
        // all the same, since the rest of the stream is read for gzip's checksum.
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        std::io::Write::write_all(&mut e, &zeros).unwrap();
        let m = bad_response(mot(&e.finish().unwrap(), &LIMITS));
        assert!(m.contains("unpacks to more than"), "{m}");
    }

    #[test]
    fn an_oversize_record_is_skipped_and_the_record_count_is_bounded() {
        let big = "x".repeat(LIMITS.record_bytes + 1);
        let gz = tar_gz(&[
            ("r-main/models/Big.yml", big.as_bytes()),
            ("r-main/models/Small.yml", b"a: 1\n"),
        ]);
        assert_eq!(names(&mot(&gz, &LIMITS).unwrap()), ["Small.yml"]);

        let many: Vec<(String, &[u8])> = (0..LIMITS.records + 5)
            .map(|i| (format!("r-main/models/M{i}.yml"), &b"a: 1\n"[..]))
            .collect();
        let refs: Vec<(&str, &[u8])> = many.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        assert_eq!(mot(&tar_gz(&refs), &LIMITS).unwrap().len(), LIMITS.records);

        let limits = Limits {
            total_bytes: 2 * LIMITS.record_bytes,
            ..LIMITS
        };
        let full = "y".repeat(LIMITS.record_bytes);
        let gz = tar_gz(&[
            ("r-main/models/A.yml", full.as_bytes()),
            ("r-main/models/B.yml", full.as_bytes()),
            ("r-main/models/C.yml", full.as_bytes()),
        ]);
        assert!(bad_response(mot(&gz, &limits)).contains("the records exceed"));
    }

    #[test]
    fn links_devices_and_escaping_names_are_passed_over() {
        let mut b = Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
        for kind in [EntryType::Symlink, EntryType::Link] {
            let mut h = header(kind, 0);
            b.append_link(&mut h, "r-main/models/Evil.yml", "/etc/passwd")
                .unwrap();
        }
        let mut h = header(EntryType::Char, 0);
        b.append_data(&mut h, "r-main/models/Dev.yml", &[][..])
            .unwrap();
        // `..` and absolute names, written raw: the builder itself refuses them.
        // Each would be a record but for its `..` or its leading `/`.
        for name in ["../models/Up.yml", "/models/Abs.yml"] {
            let mut h = header(EntryType::Regular, 5);
            h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
            h.set_cksum();
            b.append(&h, &b"a: 1\n"[..]).unwrap();
        }
        b.append_data(
            &mut header(EntryType::Regular, 5),
            "r-main/models/Good.yml",
            &b"a: 1\n"[..],
        )
        .unwrap();
        let gz = b.into_inner().unwrap().finish().unwrap();
        assert_eq!(names(&mot(&gz, &LIMITS).unwrap()), ["Good.yml"]);
    }

    #[test]
    fn a_truncated_or_corrupt_archive_is_an_error_never_a_panic() {
        let gz = tar_gz(&[
            ("r-main/models/A.yml", RECORD.as_bytes()),
            ("r-main/models/B.yml", RECORD.as_bytes()),
        ]);
        assert_eq!(mot(&gz, &LIMITS).unwrap().len(), 2);
        // Cut anywhere, even after the last entry (only the checksum missing).
        for cut in [
            1,
            10,
            gz.len() / 3,
            gz.len() / 2,
            gz.len() - 8,
            gz.len() - 1,
        ] {
            let m = bad_response(mot(&gz[..cut], &LIMITS));
            assert!(m.contains("not a readable .tar.gz archive"), "{cut}: {m}");
        }
        let mut flipped = gz.clone();
        let at = flipped.len() / 2;
        flipped[at] ^= 0xff;
        bad_response(mot(&flipped, &LIMITS));
        bad_response(mot(b"<html>not an archive</html>", &LIMITS));
        bad_response(mot(&[], &LIMITS));
    }
}
