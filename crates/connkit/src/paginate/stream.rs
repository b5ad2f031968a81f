//! The two streams over a pagination: [`Pages`] and [`Items`].

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use serde::de::DeserializeOwned;

use super::checkpoint::Checkpoint;
use super::descriptor::Pagination;
use super::engine::Engine;
use super::request::{Page, PageRequest, PageResponse};
use crate::error::Error;

/// A stream of the [`Page`]s of a pagination, one fetch at a time.
///
/// Created by [`Pagination::pages`]. Each page's items are decoded into `T` as the page
/// arrives; only one page is held at a time. The stream ends after the last page, at a
/// limit, or after the first error (take a [`Checkpoint`] to continue later).
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T, E, F, Fut> {
    engine: Engine<T, E, F, Fut>,
}

/// A stream of the items of every page of a pagination, in order.
///
/// Created by [`Pagination::items`]. Memory is bounded by one page: the next page is fetched
/// only when the items of the current one are all taken. [`Items::checkpoint`] may be taken
/// between any two items, mid-page included.
#[must_use = "streams do nothing unless polled"]
pub struct Items<T, E, F, Fut> {
    engine: Engine<T, E, F, Fut>,
}

impl Pagination {
    /// The pages of this pagination, each fetched through `fetch` when the stream asks for it.
    ///
    /// `fetch` turns a [`PageRequest`] into a request of the operation and returns the
    /// response (non-success statuses as errors); the engine never sends anything itself.
    /// An invalid descriptor is reported as the stream's first (and only) item.
    pub fn pages<T, E, F, Fut>(&self, fetch: F) -> Pages<T, E, F, Fut>
    where
        T: DeserializeOwned,
        F: FnMut(PageRequest) -> Fut,
        Fut: Future<Output = Result<PageResponse, Error<E>>>,
    {
        Pages { engine: Engine::new(self, fetch) }
    }

    /// The items of every page of this pagination, in order (see [`Pagination::pages`]).
    pub fn items<T, E, F, Fut>(&self, fetch: F) -> Items<T, E, F, Fut>
    where
        T: DeserializeOwned,
        F: FnMut(PageRequest) -> Fut,
        Fut: Future<Output = Result<PageResponse, Error<E>>>,
    {
        Items { engine: Engine::new(self, fetch) }
    }
}

impl<T, E, F, Fut> Pages<T, E, F, Fut>
where
    T: DeserializeOwned,
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<PageResponse, Error<E>>>,
{
    /// Continues from `checkpoint` (taken from a stream of the same operation and
    /// pagination) instead of the first page. Call it before polling.
    pub fn resume_from(mut self, checkpoint: Checkpoint) -> Self {
        self.engine.resume_from(checkpoint);
        self
    }

    /// Where the stream stands: the next page to read.
    pub fn checkpoint(&self) -> Checkpoint {
        self.engine.checkpoint()
    }

    /// The items of the remaining pages, one by one.
    pub fn into_items(self) -> Items<T, E, F, Fut> {
        Items { engine: self.engine }
    }
}

impl<T, E, F, Fut> Items<T, E, F, Fut>
where
    T: DeserializeOwned,
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<PageResponse, Error<E>>>,
{
    /// Continues from `checkpoint` (taken from a stream of the same operation and
    /// pagination) instead of the first item. Call it before polling.
    pub fn resume_from(mut self, checkpoint: Checkpoint) -> Self {
        self.engine.resume_from(checkpoint);
        self
    }

    /// Where the stream stands: the page and the item within it to deliver next.
    pub fn checkpoint(&self) -> Checkpoint {
        self.engine.checkpoint()
    }
}

impl<T, E, F, Fut> Stream for Pages<T, E, F, Fut>
where
    T: DeserializeOwned,
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<PageResponse, Error<E>>>,
{
    type Item = Result<Page<T>, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let engine = &mut self.get_mut().engine;
        // Pages hand their items over whole, so the buffer is always empty here.
        engine.buffer.clear();
        let response = match std::task::ready!(engine.poll_fill(cx)) {
            None => return Poll::Ready(None),
            Some(Err(err)) => return Poll::Ready(Some(Err(err))),
            Some(Ok(response)) => response,
        };
        let items = engine.buffer.drain(..).collect();
        Poll::Ready(Some(Ok(Page {
            items,
            url: response.url,
            status: response.status,
            headers: response.headers,
            number: engine.page_number(),
        })))
    }
}

impl<T, E, F, Fut> Stream for Items<T, E, F, Fut>
where
    T: DeserializeOwned,
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<PageResponse, Error<E>>>,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let engine = &mut self.get_mut().engine;
        loop {
            if let Some(item) = engine.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::task::ready!(engine.poll_fill(cx)) {
                None => return Poll::Ready(None),
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                Some(Ok(_response)) => {}
            }
        }
    }
}
