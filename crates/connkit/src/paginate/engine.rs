//! The page engine: asks the fetch function for one page at a time, decodes it into a
//! buffer, and works out the request of the next page.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use serde::de::DeserializeOwned;
use url::Url;

use super::checkpoint::Checkpoint;
use super::decode::{DecodePlan, DecodedPage, PlanPaths};
use super::descriptor::{PageSize, PageStyle, Pagination, ParamLocation, TokenSource};
use super::link::find_link;
use super::path::JsonPath;
use super::request::{PageParam, PageRequest, PageResponse, ParamValue};
use crate::error::{Error, ErrorKind};

/// A page request with the offset or page number it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Step {
    pub(crate) request: PageRequest,
    pub(crate) position: u64,
}

/// The page whose items sit in the buffer.
#[derive(Debug, Clone)]
pub(crate) struct Current {
    step: Step,
    /// Index in the page of the first buffered item.
    first: u64,
    /// Items put in the buffer from this page.
    len: u64,
}

/// The shared core of [`Pages`](super::Pages) and [`Items`](super::Items).
pub(crate) struct Engine<T, E, F, Fut> {
    fetch: F,
    pagination: Pagination,
    plan: Option<DecodePlan>,
    /// An error to report before fetching another page: a descriptor problem (first poll) or
    /// a next page that may not be followed (after the current page's items).
    deferred: Option<Error<E>>,
    in_flight: Option<Pin<Box<Fut>>>,
    /// The page to fetch next (also while it is being fetched); `None` when complete.
    pending: Option<Step>,
    /// Items of the pending page already delivered before a resumption.
    skip: u64,
    pages: u64,
    items: u64,
    origin: Option<String>,
    pub(crate) buffer: VecDeque<T>,
    current: Option<Current>,
    done: bool,
}

// The engine never pins its fields (the fetch future is boxed), so it may move freely.
impl<T, E, F, Fut> Unpin for Engine<T, E, F, Fut> {}

impl<T, E, F, Fut> Engine<T, E, F, Fut>
where
    T: DeserializeOwned,
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<PageResponse, Error<E>>>,
{
    pub(crate) fn new(pagination: &Pagination, fetch: F) -> Self {
        let (plan, deferred) = match build_plan(pagination) {
            Ok(plan) => (Some(plan), None),
            Err(err) => (None, Some(Error::new(ErrorKind::Request, err.to_string()))),
        };
        Self {
            fetch,
            pending: Some(first_step(pagination)),
            pagination: pagination.clone(),
            plan,
            deferred,
            in_flight: None,
            skip: 0,
            pages: 0,
            items: 0,
            origin: None,
            buffer: VecDeque::new(),
            current: None,
            done: false,
        }
    }

    /// Replaces the position with `checkpoint`'s (before the first poll).
    pub(crate) fn resume_from(&mut self, checkpoint: Checkpoint) {
        self.pending =
            checkpoint.next.map(|request| Step { request, position: checkpoint.position });
        self.skip = checkpoint.skip;
        self.pages = checkpoint.pages;
        self.items = checkpoint.items;
        self.origin = checkpoint.origin;
        self.buffer.clear();
        self.current = None;
        self.in_flight = None;
        self.done = false;
    }

    /// Where the consumer stands, given that the buffer still holds undelivered items.
    pub(crate) fn checkpoint(&self) -> Checkpoint {
        match &self.current {
            Some(current) if !self.buffer.is_empty() => {
                let left = self.buffer.len() as u64;
                Checkpoint {
                    next: Some(current.step.request.clone()),
                    position: current.step.position,
                    skip: current.first + current.len - left,
                    pages: self.pages.saturating_sub(1),
                    items: self.items - left,
                    origin: self.origin.clone(),
                }
            }
            _ => Checkpoint {
                next: self.pending.as_ref().map(|step| step.request.clone()),
                position: self.pending.as_ref().map_or(0, |step| step.position),
                skip: self.skip,
                // A page that will be read again (stopped mid-page) is counted when it is.
                pages: if self.rereads_current() { self.pages - 1 } else { self.pages },
                items: self.items,
                origin: self.origin.clone(),
            },
        }
    }

    /// True when the next page to read is the current one again (a stop mid-page).
    fn rereads_current(&self) -> bool {
        matches!((&self.current, &self.pending), (Some(current), Some(pending))
            if current.step == *pending && self.pages > 0)
    }

    /// The number (1-based) of the page last put in the buffer.
    pub(crate) fn page_number(&self) -> u64 {
        self.pages
    }

    /// Fetches and decodes the next page into the buffer (which must be empty), returning
    /// its response without the body; `None` when the pagination is over.
    pub(crate) fn poll_fill(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<PageResponse, Error<E>>>> {
        loop {
            if self.done {
                return Poll::Ready(None);
            }
            if let Some(err) = self.deferred.take() {
                self.done = true;
                return Poll::Ready(Some(Err(err)));
            }
            if let Some(in_flight) = self.in_flight.as_mut() {
                let result = std::task::ready!(in_flight.as_mut().poll(cx));
                self.in_flight = None;
                match result.and_then(|response| self.accept(response)) {
                    Ok(Some(response)) => return Poll::Ready(Some(Ok(response))),
                    Ok(None) => continue,
                    Err(err) => {
                        self.done = true;
                        return Poll::Ready(Some(Err(err)));
                    }
                }
            }
            let Some(step) = &self.pending else {
                self.done = true;
                return Poll::Ready(None);
            };
            let limit_reached = self.pagination.max_pages.is_some_and(|max| self.pages >= max)
                || self.pagination.max_items.is_some_and(|max| self.items >= max);
            if limit_reached {
                self.done = true;
                return Poll::Ready(None);
            }
            // Tokens and URLs stay out of the logs; the page number and request kind suffice.
            let kind = match &step.request {
                PageRequest::First => "first",
                PageRequest::Params { .. } => "params",
                PageRequest::Url { .. } => "url",
            };
            tracing::debug!(page = self.pages + 1, kind, "fetching page");
            self.in_flight = Some(Box::pin((self.fetch)(step.request.clone())));
        }
    }

    /// Decodes a fetched page into the buffer and moves to the next page; `None` when the
    /// page ends the pagination without items.
    fn accept(&mut self, mut response: PageResponse) -> Result<Option<PageResponse>, Error<E>> {
        let Some(step) = self.pending.clone() else { return Ok(None) };
        let Some(plan) = &self.plan else { return Ok(None) };
        if self.origin.is_none() {
            self.origin = Some(response.url.origin().ascii_serialization());
        }
        self.buffer.clear();
        self.current = None;
        let decoded = plan.decode(&response.body, &mut self.buffer)?;
        response.body = bytes::Bytes::new();
        let count = decoded.count;
        let next = self.next_step(&step, &response, decoded);
        let ends_without_items = count == 0
            && matches!(
                self.pagination.style,
                PageStyle::Offset { .. } | PageStyle::Page { .. } | PageStyle::Keyset { .. }
            );
        if ends_without_items {
            self.pending = None;
            return Ok(None);
        }
        self.pages += 1;

        let first = self.skip.min(count as u64);
        self.buffer.drain(..first as usize);
        let mut len = count as u64 - first;
        let room = self.pagination.max_items.map_or(u64::MAX, |max| max.saturating_sub(self.items));
        if len > room {
            // Stop mid-page: the checkpoint continues with the rest of this page.
            self.buffer.truncate(room as usize);
            len = room;
            self.pending = Some(step.clone());
            self.skip = first + len;
        } else {
            match next {
                Ok(next) => {
                    self.pending = next;
                    self.skip = 0;
                }
                Err(err) => {
                    // Deliver this page, then fail; a resumed stream re-reads this page
                    // (skipping all of it) and decides about its next page again.
                    self.pending = Some(step.clone());
                    self.skip = first + len;
                    self.deferred = Some(err);
                }
            }
        }
        self.items += len;
        self.current = Some(Current { step, first, len });
        Ok(Some(response))
    }

    /// The request of the page after `step`'s, or `None` when `step`'s page is the last.
    fn next_step(
        &self,
        step: &Step,
        response: &PageResponse,
        page: DecodedPage,
    ) -> Result<Option<Step>, Error<E>> {
        if page.more == Some(false) {
            return Ok(None);
        }
        let next = self.step_after(step, response, page)?;
        // The same request again would return the same page forever.
        let repeats = next.as_ref().is_some_and(|next| {
            next.request == step.request
                || matches!(&next.request, PageRequest::Url { url } if *url == response.url)
        });
        if repeats {
            tracing::warn!("the API pointed to the page just read as the next page; stopping");
            return Ok(None);
        }
        Ok(next)
    }

    /// The request the pagination style derives from `step`'s page, or `None` when the page
    /// says it is the last.
    fn step_after(
        &self,
        step: &Step,
        response: &PageResponse,
        page: DecodedPage,
    ) -> Result<Option<Step>, Error<E>> {
        let count = page.count as u64;
        let size = self.pagination.effective_page_size();
        let location = self.pagination.params_in();
        let next = match &self.pagination.style {
            PageStyle::NextToken { request_param, source, param_in }
            | PageStyle::Cursor { request_param, source, param_in } => {
                token_from(source, page.token, response).map(|token| Step {
                    request: with_size(
                        PageParam::new(request_param, ParamValue::Text(token), *param_in),
                        size.as_ref(),
                        location,
                    ),
                    position: 0,
                })
            }
            PageStyle::Keyset { request_param, item_field, param_in } => {
                if count == 0 {
                    None
                } else {
                    let Some(key) = page.last_key else {
                        return Err(Error::decode(
                            format!(
                                "the last item of the page has no `{item_field}` to ask for the                                  next page with"
                            ),
                            self.pagination.items_path.clone().unwrap_or_default(),
                        ));
                    };
                    Some(Step {
                        request: with_size(
                            PageParam::new(request_param, ParamValue::Text(key), *param_in),
                            size.as_ref(),
                            location,
                        ),
                        position: 0,
                    })
                }
            }
            PageStyle::Offset { offset_param, .. } => {
                let offset = step.position + count;
                let past_total = page.total_items.is_some_and(|total| offset >= total);
                (count > 0 && !past_total).then(|| Step {
                    request: numbered(offset_param, offset, size.as_ref(), location),
                    position: offset,
                })
            }
            PageStyle::Page { page_param, first_page, .. } => {
                let read = step.position.saturating_sub(*first_page) + 1;
                let past_total = page.total_pages.is_some_and(|total| read >= total);
                (count > 0 && !past_total).then(|| {
                    let number = step.position + 1;
                    Step {
                        request: numbered(page_param, number, size.as_ref(), location),
                        position: number,
                    }
                })
            }
            PageStyle::LinkHeader => match find_link(&response.headers, "next") {
                None => None,
                Some(target) => Some(self.url_step(&response.url, &target)?),
            },
            PageStyle::NextUrl { source } => match token_from(source, page.token, response) {
                None => None,
                Some(target) => Some(self.url_step(&response.url, &target)?),
            },
        };
        Ok(next)
    }

    /// A request for the next-page URL `target` (resolved against `base`), if its origin is
    /// allowed.
    fn url_step(&self, base: &Url, target: &str) -> Result<Step, Error<E>> {
        let url = base.join(target.trim()).map_err(|err| {
            Error::new(ErrorKind::Request, format!("the next-page URL is invalid ({err})"))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::new(
                ErrorKind::Request,
                format!("the next-page URL has the unsupported scheme `{}`", url.scheme()),
            ));
        }
        let origin = url.origin().ascii_serialization();
        let expected = self.origin.clone().unwrap_or_else(|| base.origin().ascii_serialization());
        if origin != expected && !self.pagination.allow_cross_origin {
            return Err(Error::new(
                ErrorKind::Request,
                format!(
                    "the next page is on another origin ({origin}) than the first ({expected}); \
                     set allow_cross_origin in the pagination to follow it"
                ),
            ));
        }
        Ok(Step { request: PageRequest::Url { url }, position: 0 })
    }
}

/// The request of the first page: the caller's own, or with the style's first number and the
/// page size.
pub(crate) fn first_step(pagination: &Pagination) -> Step {
    let size = pagination.effective_page_size();
    let location = pagination.params_in();
    match &pagination.style {
        PageStyle::Offset { offset_param, .. } => {
            Step { request: numbered(offset_param, 0, size.as_ref(), location), position: 0 }
        }
        PageStyle::Page { page_param, first_page, .. } => Step {
            request: numbered(page_param, *first_page, size.as_ref(), location),
            position: *first_page,
        },
        _ => match size {
            Some(size) => Step {
                request: PageRequest::Params { params: vec![size_param(&size, location)] },
                position: 0,
            },
            None => Step { request: PageRequest::First, position: 0 },
        },
    }
}

/// `name=value` plus the page size, if any.
fn numbered(
    name: &str,
    value: u64,
    size: Option<&PageSize>,
    location: ParamLocation,
) -> PageRequest {
    with_size(PageParam::new(name, ParamValue::Number(value), location), size, location)
}

/// `param` plus the page size, if any.
fn with_size(param: PageParam, size: Option<&PageSize>, location: ParamLocation) -> PageRequest {
    let mut params = vec![param];
    params.extend(size.map(|size| size_param(size, location)));
    PageRequest::Params { params }
}

/// The page-size parameter, set only where the caller did not choose a size.
fn size_param(size: &PageSize, location: ParamLocation) -> PageParam {
    PageParam::default_value(&size.param, ParamValue::Number(size.size), location)
}

/// The token from the body or a header; empty or blank counts as none.
fn token_from(
    source: &TokenSource,
    body_token: Option<String>,
    response: &PageResponse,
) -> Option<String> {
    let token = match source {
        TokenSource::Body(_) => body_token,
        TokenSource::Header(name) => response
            .headers
            .get(name.as_str())
            .and_then(|value| value.to_str().ok())
            .map(|value| value.trim().to_string()),
    };
    token.filter(|token| !token.trim().is_empty())
}

/// The decode plan of a descriptor, after validating it.
fn build_plan(pagination: &Pagination) -> Result<DecodePlan, Error> {
    pagination.validate()?;
    let parse = |path: Option<&String>| path.map(|p| JsonPath::parse(p)).transpose();
    let item_key = match &pagination.style {
        PageStyle::Keyset { item_field, .. } => Some(JsonPath::parse(item_field)?),
        _ => None,
    };
    Ok(DecodePlan::new(&PlanPaths {
        items: JsonPath::parse_optional(pagination.items_path.as_deref())?,
        item_key,
        token: pagination.body_token_path().map(JsonPath::parse).transpose()?,
        more: parse(pagination.has_more.as_ref())?,
        total_items: parse(pagination.total_items.as_ref())?,
        total_pages: parse(pagination.total_pages.as_ref())?,
    }))
}
