//! The index on disk: `DIR/index` is the live index, the last feed sequence number it holds is
//! its commit payload (so documents and the number are committed together, and a crash loses
//! neither); a rebuild writes `DIR/index.new` and swaps it in by renaming directories.

use crate::dictionary::{USER_DICTIONARY, segmenter};
use crate::schema::{Document, Fields, schema};
use crate::tokenizer::{ChineseTokenizer, TOKENIZER};
use jieba_rs::Jieba;
use rectify_domain::search::SearchKind;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

/// Memory one writer may buffer before it writes a segment.
const WRITER_BUDGET: usize = 50_000_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A query or cursor that cannot be searched: the caller's input.
    #[error(transparent)]
    Refused(#[from] rectify_domain::DomainError),
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Io(#[from] std::io::Error),
}

impl From<tantivy::directory::error::OpenDirectoryError> for SearchError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        SearchError::Index(e.into())
    }
}

pub type SearchResult<T> = Result<T, SearchError>;

/// One change the feed asks for: the record as it now is, or gone.
#[derive(Debug, Clone)]
pub enum Change {
    Upsert(Document),
    Remove(SearchKind, i64),
}

/// What `rectify search status` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexStatus {
    pub seq: i64,
    pub docs: u64,
    pub bytes: u64,
}

pub(crate) struct Live {
    pub index: Index,
    pub reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    pub seq: std::sync::atomic::AtomicI64,
}

/// The search index of one instance, shared by its requests and its indexer.
pub struct SearchIndex {
    root: PathBuf,
    pub(crate) jieba: Arc<Jieba>,
    pub(crate) fields: Fields,
    live: RwLock<Arc<Live>>,
}

const LIVE: &str = "index";
const NEW: &str = "index.new";
const OLD: &str = "index.old";

impl SearchIndex {
    /// The segmenter with the built-in and the administrators' words (places, office terms).
    pub fn segmenter(&self) -> &jieba_rs::Jieba {
        &self.jieba
    }

    /// Opens (or creates) the index in `root`, finishing a swap a crash interrupted. The
    /// administrators' dictionary is `root/dictionary.txt`.
    pub fn open(root: &Path) -> SearchResult<SearchIndex> {
        std::fs::create_dir_all(root)?;
        recover(root)?;
        Self::open_as_is(root)
    }

    /// Opens the index without touching a rebuild another process may be writing (for looking
    /// at it: `rectify search status`).
    pub fn open_as_is(root: &Path) -> SearchResult<SearchIndex> {
        let jieba = Arc::new(segmenter(Some(&root.join(USER_DICTIONARY)))?);
        let (_, fields) = schema();
        let live = open_live(&root.join(LIVE), &jieba)?;
        Ok(SearchIndex { root: root.to_owned(), jieba, fields, live: RwLock::new(Arc::new(live)) })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn live(&self) -> Arc<Live> {
        self.live.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The last feed sequence number the index holds (0 for a new index).
    pub fn applied_seq(&self) -> i64 {
        self.live().seq.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Applies changes and records `seq` in the same commit; then searches see them. Replaying
    /// changes already applied changes nothing (each replaces its record by kind and id).
    pub fn apply(&self, changes: &[Change], seq: i64) -> SearchResult<()> {
        let live = self.live();
        let mut guard = live.writer.lock().unwrap_or_else(|e| e.into_inner());
        let writer = claimed(&live, &mut guard)?;
        write_changes(writer, &self.fields, changes)?;
        commit(writer, seq)?;
        live.reader.reload()?;
        live.seq.store(seq, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    /// Takes the index's writer now (one process at a time holds it): fails when another
    /// process (a running server) has it.
    pub fn claim(&self) -> SearchResult<()> {
        let live = self.live();
        let mut guard = live.writer.lock().unwrap_or_else(|e| e.into_inner());
        claimed(&live, &mut guard).map(|_| ())
    }

    pub fn status(&self) -> SearchResult<IndexStatus> {
        let live = self.live();
        let docs = live.reader.searcher().num_docs();
        Ok(IndexStatus { seq: self.applied_seq(), docs, bytes: dir_size(&self.root.join(LIVE))? })
    }

    /// Starts a rebuild beside the live index (a leftover of an interrupted one is dropped).
    pub fn rebuild(&self) -> SearchResult<Rebuild> {
        let dir = self.root.join(NEW);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        let index = create(&dir, &self.jieba)?;
        let writer = index.writer_with_num_threads(1, WRITER_BUDGET)?;
        Ok(Rebuild { writer, fields: self.fields, dir })
    }

    /// Puts a finished rebuild in place of the live index and reopens the reader; searches
    /// running meanwhile finish on the old one.
    pub fn swap(&self, rebuilt: Rebuilt) -> SearchResult<()> {
        let mut slot = self.live.write().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = slot.writer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            w.wait_merging_threads()?;
        }
        let (live, old) = (self.root.join(LIVE), self.root.join(OLD));
        if old.exists() {
            std::fs::remove_dir_all(&old)?;
        }
        std::fs::rename(&live, &old)?;
        std::fs::rename(&rebuilt.dir, &live)?;
        *slot = Arc::new(open_live(&live, &self.jieba)?);
        drop(slot);
        std::fs::remove_dir_all(&old)?;
        Ok(())
    }
}

/// A rebuild in progress: documents go into the new directory.
pub struct Rebuild {
    writer: IndexWriter,
    fields: Fields,
    dir: PathBuf,
}

/// A rebuild committed, waiting to be swapped in.
pub struct Rebuilt {
    dir: PathBuf,
}

impl Rebuild {
    pub fn add(&mut self, docs: &[Document]) -> SearchResult<()> {
        for d in docs {
            self.writer.add_document(self.fields.to_tantivy(d))?;
        }
        Ok(())
    }

    /// Commits with `seq`, the feed's head when the records were read: the feed after it is
    /// applied on top once swapped in.
    pub fn finish(mut self, seq: i64) -> SearchResult<Rebuilt> {
        commit(&mut self.writer, seq)?;
        self.writer.wait_merging_threads()?;
        Ok(Rebuilt { dir: self.dir })
    }
}

fn claimed<'a>(live: &Live, slot: &'a mut Option<IndexWriter>) -> SearchResult<&'a mut IndexWriter> {
    let writer = match slot.take() {
        Some(w) => w,
        None => live.index.writer_with_num_threads(1, WRITER_BUDGET)?,
    };
    Ok(slot.insert(writer))
}

fn write_changes(writer: &mut IndexWriter, fields: &Fields, changes: &[Change]) -> SearchResult<()> {
    for c in changes {
        let (kind, id) = match c {
            Change::Upsert(d) => (d.kind, d.id),
            Change::Remove(kind, id) => (*kind, *id),
        };
        writer.delete_term(fields.key_term(kind, id));
        if let Change::Upsert(d) = c {
            writer.add_document(fields.to_tantivy(d))?;
        }
    }
    Ok(())
}

fn commit(writer: &mut IndexWriter, seq: i64) -> SearchResult<()> {
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&seq.to_string());
    prepared.commit()?;
    Ok(())
}

fn create(dir: &Path, jieba: &Arc<Jieba>) -> SearchResult<Index> {
    let index = Index::create_in_dir(dir, schema().0)?;
    register(&index, jieba);
    Ok(index)
}

fn register(index: &Index, jieba: &Arc<Jieba>) {
    index.tokenizers().register(TOKENIZER, ChineseTokenizer { jieba: jieba.clone() });
}

fn open_live(dir: &Path, jieba: &Arc<Jieba>) -> SearchResult<Live> {
    let index = if dir.join("meta.json").exists() {
        let index = Index::open_in_dir(dir)?;
        register(&index, jieba);
        index
    } else {
        std::fs::create_dir_all(dir)?;
        create(dir, jieba)?
    };
    let seq = index.load_metas()?.payload.and_then(|p| p.parse().ok()).unwrap_or(0);
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    Ok(Live { index, reader, writer: Mutex::new(None), seq: seq.into() })
}

/// A crash between the two renames of a swap leaves no live index: the finished new one (or,
/// failing that, the old one) takes its place. A rebuild that never finished is dropped.
fn recover(root: &Path) -> SearchResult<()> {
    let (live, new, old) = (root.join(LIVE), root.join(NEW), root.join(OLD));
    if !live.exists() {
        if finished(&new) {
            std::fs::rename(&new, &live)?;
        } else if old.exists() {
            std::fs::rename(&old, &live)?;
        }
    }
    for leftover in [new, old] {
        if leftover.exists() {
            std::fs::remove_dir_all(&leftover)?;
        }
    }
    Ok(())
}

/// Whether a rebuild's directory holds its final commit (a commit with a sequence number).
fn finished(dir: &Path) -> bool {
    dir.join("meta.json").exists()
        && Index::open_in_dir(dir).and_then(|i| i.load_metas()).is_ok_and(|m| m.payload.is_some())
}

fn dir_size(dir: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let meta = entry?.metadata()?;
        total += if meta.is_dir() { 0 } else { meta.len() };
    }
    Ok(total)
}
