//! The wrappers that keep a connection's [`Activity`] up to date: around the service (a request
//! starts, its handler returns), both bodies (a request body is read to its end or dropped, a
//! response body is sent) and the socket (bytes of a request head arrive).
//!
//! Each is a thin pin projection: no allocation, a few atomic operations per request.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use http::{Request, Response, Version};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use pin_project_lite::pin_project;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tower::Service;

use crate::web::activity::Activity;

/// Runs `end` on the activity when dropped.
struct Guard {
    activity: Arc<Activity>,
    end: fn(&Activity),
}

impl Guard {
    fn new(activity: &Arc<Activity>, end: fn(&Activity)) -> Self {
        Self {
            activity: Arc::clone(activity),
            end,
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        (self.end)(&self.activity);
    }
}

/// The service of one connection: the server's service, with the requests it runs counted.
#[derive(Clone)]
pub(crate) struct Tracked<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S> Tracked<S> {
    pub(crate) fn new(inner: S, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }
}

impl<S, B> Service<Request<Incoming>> for Tracked<S>
where
    S: Service<Request<RequestBody>, Response = Response<B>>,
{
    type Response = Response<ResponseBody<B>>;
    type Error = S::Error;
    type Future = TrackedFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Incoming>) -> Self::Future {
        let activity = &self.activity;
        activity.request_started(request.version() == Version::HTTP_2);
        // Guards first: if the inner `call` panics, the counts still go back down.
        let handling = Guard::new(activity, Activity::handler_returned);
        let ended = Guard::new(activity, Activity::request_ended);
        let request = request.map(|body| RequestBody::new(body, activity));
        TrackedFuture {
            inner: self.inner.call(request),
            handling: Some(handling),
            ended: Some(ended),
        }
    }
}

pin_project! {
    /// The future of [`Tracked`]: the handler runs until it resolves.
    pub(crate) struct TrackedFuture<F> {
        #[pin]
        inner: F,
        // Declared (so dropped) before `ended`: the handler returns before the request ends.
        handling: Option<Guard>,
        ended: Option<Guard>,
    }
}

impl<F, B, E> Future for TrackedFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<ResponseBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        this.handling.take();
        let ended = this.ended.take();
        Poll::Ready(result.map(|response| response.map(|inner| ResponseBody { inner, ended })))
    }
}

pin_project! {
    /// A response body: the request ends when it has been sent completely, or dropped.
    pub(crate) struct ResponseBody<B> {
        #[pin]
        inner: B,
        ended: Option<Guard>,
    }
}

impl<B: Body> Body for ResponseBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let mut this = self.project();
        let frame = ready!(this.inner.as_mut().poll_frame(cx));
        if !matches!(frame, Some(Ok(_))) || this.inner.is_end_stream() {
            this.ended.take();
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

pin_project! {
    /// The request body handed to the server's service: hyper's body, counted as "still
    /// arriving" until it is read to its end or dropped.
    pub(crate) struct RequestBody {
        #[pin]
        inner: Incoming,
        receiving: Option<Guard>,
    }
}

impl RequestBody {
    fn new(inner: Incoming, activity: &Arc<Activity>) -> Self {
        let receiving = (!inner.is_end_stream()).then(|| {
            activity.body_started();
            Guard::new(activity, Activity::body_ended)
        });
        Self { inner, receiving }
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let mut this = self.project();
        let frame = ready!(this.inner.as_mut().poll_frame(cx));
        if !matches!(frame, Some(Ok(_))) || this.inner.is_end_stream() {
            this.receiving.take();
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The accepted socket, reporting the bytes it reads (the start of a request head).
pub(crate) struct WatchedIo {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl WatchedIo {
    pub(crate) fn new(stream: TcpStream, activity: Arc<Activity>) -> Self {
        Self { stream, activity }
    }
}

impl AsyncRead for WatchedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        ready!(Pin::new(&mut self.stream).poll_read(cx, buf))?;
        if buf.filled().len() > before {
            self.activity.bytes_read();
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for WatchedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
