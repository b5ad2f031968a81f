//! [`Multipart`]: a `multipart/form-data` body kept in memory, so every attempt can replay it.

use bytes::{BufMut, Bytes, BytesMut};

/// A `multipart/form-data` body built in memory (replayable on retries).
#[derive(Debug, Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Debug, Clone)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    #[must_use]
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: None,
            content_type: None,
            data: Bytes::from(value.into()),
        });
        self
    }

    /// Adds a file field with its file name and content type.
    #[must_use]
    pub fn file(
        mut self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        data: impl Into<Bytes>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            data: data.into(),
        });
        self
    }

    /// Encodes the form: the `Content-Type` header value (with its boundary) and the body.
    pub fn encode(&self) -> (String, Bytes) {
        let boundary = format!("connkit-{}", uuid::Uuid::new_v4().simple());
        let mut body = BytesMut::new();
        for part in &self.parts {
            body.put_slice(b"--");
            body.put_slice(boundary.as_bytes());
            body.put_slice(b"\r\nContent-Disposition: form-data; name=\"");
            body.put_slice(escape(&part.name).as_bytes());
            body.put_slice(b"\"");
            if let Some(file_name) = &part.file_name {
                body.put_slice(b"; filename=\"");
                body.put_slice(escape(file_name).as_bytes());
                body.put_slice(b"\"");
            }
            body.put_slice(b"\r\n");
            if let Some(content_type) = &part.content_type {
                body.put_slice(b"Content-Type: ");
                body.put_slice(content_type.replace(['\r', '\n'], " ").as_bytes());
                body.put_slice(b"\r\n");
            }
            body.put_slice(b"\r\n");
            body.put_slice(&part.data);
            body.put_slice(b"\r\n");
        }
        body.put_slice(b"--");
        body.put_slice(boundary.as_bytes());
        body.put_slice(b"--\r\n");
        (format!("multipart/form-data; boundary={boundary}"), body.freeze())
    }
}

/// Escapes a field or file name for a quoted header parameter.
fn escape(name: &str) -> String {
    name.replace('\\', "\\\\").replace('"', "%22").replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_fields_and_files() {
        let (content_type, body) =
            Multipart::new().text("a", "1").file("f", "x.txt", "text/plain", "hi").encode();
        let boundary = content_type.split("boundary=").nth(1).unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"a\"\r\n\r\n1\r\n"));
        assert!(
            text.contains(
                "name=\"f\"; filename=\"x.txt\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
            )
        );
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
    }
}
