//! A refused upload is answered only after its body has been read (up to a bound), so a client
//! that writes its whole body before reading, as Node's fetch does, sees the JSON error instead
//! of a reset connection.

use backline_e2e::TestApp;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends a multipart upload of `size` bytes with `extra` headers over a raw connection, writing
/// the whole body before reading anything; returns what the server answered.
async fn upload_then_read(app: &TestApp, extra: &str, size: usize) -> anyhow::Result<String> {
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await?;
    let boundary = "backlineboundary";
    let operations = r#"{"query":"mutation($input: UploadFileInput!) { uploadFile(input: $input) { id } }","variables":{"input":{"trackId":"trk_00000000000000000000000000000000","file":null}}}"#;
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\":[\"variables.input.file\"]}}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"big.wav\"\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let length = head.len() + size + tail.len();
    let request = format!(
        "POST /graphql HTTP/1.1\r\nHost: {address}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n{extra}\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    stream.write_all(head.as_bytes()).await?;
    let chunk = vec![0_u8; 64 * 1024];
    let mut sent = 0;
    while sent < size {
        let n = chunk.len().min(size - sent);
        stream
            .write_all(&chunk[..n])
            .await
            .map_err(|error| anyhow::anyhow!("the server stopped reading after {sent} bytes: {error}"))?;
        sent += n;
    }
    stream.write_all(tail.as_bytes()).await?;
    let mut answer = Vec::new();
    let mut buffer = [0_u8; 8192];
    loop {
        let read = tokio::time::timeout(std::time::Duration::from_secs(20), stream.read(&mut buffer)).await??;
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
        if answer.windows(4).any(|w| w == b"\r\n\r\n") && String::from_utf8_lossy(&answer).contains("\"errors\"") {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn refused_uploads_are_read_before_they_are_answered() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    // No CSRF header: refused, after the 8 MiB body was read.
    let answer = upload_then_read(&app, "", 8 << 20).await?;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"code\":\"FORBIDDEN\""), "{answer}");
    assert!(answer.contains("CSRF"), "{answer}");
    // Signed out: refused, after the body was read.
    let answer = upload_then_read(&app, "apollo-require-preflight: true\r\n", 8 << 20).await?;
    assert!(answer.contains("\"code\":\"UNAUTHENTICATED\""), "{answer}");
    app.stop().await
}
