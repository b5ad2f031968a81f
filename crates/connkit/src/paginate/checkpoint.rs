//! [`Checkpoint`]: where a paginated stream stands, to resume it later.

use serde::{Deserialize, Serialize};

use super::request::PageRequest;

/// Where a paginated stream stands: the request of the page to read next, how many of that
/// page's items were already delivered, and the counts the limits apply to.
///
/// Take one with `checkpoint()` on a stream at any time (between items), store it (it is
/// serializable), and continue later with `resume_from(checkpoint)` on a new stream of the
/// same operation and [`Pagination`](super::Pagination): the new stream delivers exactly the
/// items the old one had not, starting mid-page if the old one stopped mid-page (that page is
/// fetched again and its first items skipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The page to fetch next; `None` when the pagination is complete.
    pub(crate) next: Option<PageRequest>,
    /// The offset or page number of `next` (offset and page styles).
    #[serde(default)]
    pub(crate) position: u64,
    /// Items of `next`'s page already delivered.
    #[serde(default)]
    pub(crate) skip: u64,
    /// Pages fetched and fully or partly delivered so far.
    #[serde(default)]
    pub(crate) pages: u64,
    /// Items delivered so far.
    #[serde(default)]
    pub(crate) items: u64,
    /// The origin of the first page (next URLs must stay on it unless allowed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) origin: Option<String>,
}

impl Checkpoint {
    /// True when the pagination is complete: a stream resumed from here yields nothing.
    pub fn is_finished(&self) -> bool {
        self.next.is_none()
    }

    /// The request of the page to read next.
    pub fn next_request(&self) -> Option<&PageRequest> {
        self.next.as_ref()
    }

    /// Items of the next page that were already delivered (skipped on resumption).
    pub fn skip(&self) -> u64 {
        self.skip
    }

    /// Items delivered so far (what `max_items` counts).
    pub fn items_delivered(&self) -> u64 {
        self.items
    }

    /// Pages read so far (what `max_pages` counts).
    pub fn pages_fetched(&self) -> u64 {
        self.pages
    }
}
