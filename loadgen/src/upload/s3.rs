//! The edge to Amazon S3: PutObject with the standard credential and region chain (an AWS Batch
//! job's role in a container; AWS_ENDPOINT_URL honoured, for an S3-compatible emulator).

use super::{Store, UploadError};
use aws_sdk_s3::Client;
use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::primitives::ByteStream;
use std::time::Duration;

pub struct S3Store {
    client: Client,
    bucket: String,
}

impl S3Store {
    /// A client for `bucket`; fails when the chain finds no region (S3 needs one to sign).
    pub async fn connect(bucket: &str) -> Result<S3Store, UploadError> {
        let timeouts = aws_config::timeout::TimeoutConfig::builder()
            .operation_timeout(Duration::from_secs(120))
            .build();
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .timeout_config(timeouts)
            .load()
            .await;
        if config.region().is_none() {
            return Err(UploadError::NoRegion);
        }
        let mut s3 = aws_sdk_s3::config::Builder::from(&config);
        // An endpoint of one's own (an emulator, MinIO) seldom serves virtual-hosted buckets.
        if config.endpoint_url().is_some() {
            s3 = s3.force_path_style(true);
        }
        Ok(S3Store {
            client: Client::from_conf(s3.build()),
            bucket: bucket.to_string(),
        })
    }
}

impl Store for S3Store {
    fn put(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &'static str,
    ) -> impl std::future::Future<Output = Result<(), String>> + Send {
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(body));
        async move {
            request
                .send()
                .await
                .map(|_| ())
                .map_err(|e| DisplayErrorContext(e).to_string().replace('\n', " "))
        }
    }
}
