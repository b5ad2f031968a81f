//! A minimal blocking HTTP/1.1 GET over a TCP socket, for readiness checks and for fetching
//! a spec from a harness's server without an async runtime.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::Duration;

use crate::HarnessError;

/// The status and body of a probe.
#[derive(Debug, Clone)]
pub struct ProbeResponse {
    /// The status code.
    pub status: u16,
    /// The raw response head (status line and headers).
    pub head: String,
    /// The body (the connection is closed by the server, so it is read to the end).
    pub body: Vec<u8>,
}

/// `GET path` on 127.0.0.1:`port` with `Connection: close`.
pub fn get(port: u16, path: &str) -> Result<ProbeResponse, HarnessError> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
        .map_err(|e| HarnessError::io(format!("connecting to 127.0.0.1:{port}"), e))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .map_err(|e| HarnessError::io(format!("writing to 127.0.0.1:{port}"), e))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| HarnessError::io(format!("reading from 127.0.0.1:{port}"), e))?;
    parse(&raw)
}

fn parse(raw: &[u8]) -> Result<ProbeResponse, HarnessError> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| HarnessError::Invalid("probe: response without a header end".into()))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| HarnessError::Invalid(format!("probe: bad status line in {head:?}")))?;
    let mut body = raw[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Ok(ProbeResponse { status, head, body })
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let end = (start + size).min(data.len());
        out.extend_from_slice(&data[start..end]);
        data = data.get(end + 2..).unwrap_or(&[]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_bodies() {
        let plain = parse(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi").unwrap();
        assert_eq!((plain.status, plain.body.as_slice()), (200, &b"hi"[..]));
        let chunked =
            parse(b"HTTP/1.1 404 NF\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
                .unwrap();
        assert_eq!((chunked.status, chunked.body.as_slice()), (404, &b"abcde"[..]));
        assert!(parse(b"garbage").is_err());
    }
}
