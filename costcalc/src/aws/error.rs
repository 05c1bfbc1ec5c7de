//! AWS failures as one line each: what went wrong, what to do, and the offline alternative.
//!
//! Classification is pure (`classify` on the error code and the error's text) so every message
//! is tested without an account; `from_sdk` adapts the SDK's error type at the edge.

use std::fmt;

use aws_sdk_pricing::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// Which API failed: names the permission and the offline route in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Price List Query API, GetProducts.
    Pricing,
    /// CloudWatch GetMetricData.
    CloudWatch,
}

impl Api {
    fn name(self) -> &'static str {
        match self {
            Api::Pricing => "AWS Price List (pricing:GetProducts)",
            Api::CloudWatch => "CloudWatch (cloudwatch:GetMetricData)",
        }
    }
    fn permission(self) -> &'static str {
        match self {
            Api::Pricing => "pricing:GetProducts",
            Api::CloudWatch => "cloudwatch:GetMetricData",
        }
    }
    /// The way to the same result without credentials on this machine.
    pub fn offline(self) -> &'static str {
        match self {
            Api::Pricing => {
                "offline: run the commands `costcalc prices fetch --print-cli-commands` prints \
                 where credentials work and pass the output with --price-list-file, or keep the \
                 bundled prices (no --prices)"
            }
            Api::CloudWatch => {
                "offline: run the command `costcalc report --print-queries ...` prints where \
                 credentials work and pass its output with --metrics-file"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    NoCredentials,
    Expired,
    AccessDenied,
    Throttled,
    /// The API says the thing asked for does not exist (service code, resource).
    NotFound,
    NoRegion,
    /// Could not reach the endpoint (network, DNS, TLS, timeout).
    Unreachable,
    Other,
}

/// One AWS failure, printed as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub api: Api,
    pub kind: Kind,
    /// The service's code and message, or the SDK's error text.
    pub detail: String,
}

impl AwsError {
    pub fn new(api: Api, kind: Kind, detail: impl Into<String>) -> Self {
        AwsError {
            api,
            kind,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let api = self.api.name();
        let offline = self.api.offline();
        let detail = one_line(&self.detail);
        match self.kind {
            Kind::NoCredentials => write!(
                f,
                "{api}: no AWS credentials found (environment, shared config and credentials \
                 files, SSO, container or instance role): run `aws configure` or `aws sso login`, \
                 or set AWS_PROFILE; {offline}"
            ),
            Kind::Expired => write!(
                f,
                "{api}: the AWS credentials have expired ({detail}): refresh them (`aws sso \
                 login`, a new session token) and run again; {offline}"
            ),
            Kind::AccessDenied => write!(
                f,
                "{api}: access denied ({detail}): the identity needs IAM permission {} ; {offline}",
                self.api.permission()
            ),
            Kind::Throttled => write!(
                f,
                "{api}: still throttled after retries with backoff ({detail}): wait a minute and \
                 run again (AWS_MAX_ATTEMPTS raises the attempts); {offline}"
            ),
            Kind::NotFound => write!(f, "{api}: {detail}; {offline}"),
            Kind::NoRegion => write!(
                f,
                "{api}: no AWS region: pass --region or set AWS_REGION (or a region in the AWS \
                 profile)"
            ),
            Kind::Unreachable => write!(
                f,
                "{api}: cannot reach the AWS endpoint ({detail}): check the network, proxy or \
                 AWS_ENDPOINT_URL; {offline}"
            ),
            Kind::Other => write!(f, "{api}: {detail}; {offline}"),
        }
    }
}

impl std::error::Error for AwsError {}

impl From<AwsError> for crate::error::Error {
    fn from(e: AwsError) -> Self {
        // The AWS line names its API and the way out itself.
        crate::error::Error::Aws(e.to_string())
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Classify a failure from the service's error code (if the service answered) and the full
/// error text (for failures before or instead of an answer).
pub fn classify(code: Option<&str>, text: &str) -> Kind {
    if let Some(code) = code {
        return match code {
            "ExpiredToken"
            | "ExpiredTokenException"
            | "RequestExpired"
            | "TokenRefreshRequired" => Kind::Expired,
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "InvalidSignatureException"
            | "SignatureDoesNotMatch"
            | "MissingAuthenticationToken"
            | "NotAuthorized" => Kind::AccessDenied,
            "Throttling"
            | "ThrottlingException"
            | "ThrottledException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "RequestThrottled"
            | "RequestThrottledException"
            | "LimitExceededException"
            | "SlowDown" => Kind::Throttled,
            "NotFoundException" | "ResourceNotFound" | "ResourceNotFoundException" => {
                Kind::NotFound
            }
            _ => Kind::Other,
        };
    }
    let t = text.to_ascii_lowercase();
    if t.contains("no credentials")
        || t.contains("credentialsnotloaded")
        || t.contains("failed to load credentials")
        || t.contains("credentials provider was not enabled")
        || t.contains("could not find credentials")
        || t.contains("no identity")
        || t.contains("identity resolver")
    {
        Kind::NoCredentials
    } else if t.contains("expired") {
        Kind::Expired
    } else if t.contains("region") && (t.contains("missing") || t.contains("no region")) {
        Kind::NoRegion
    } else if t.contains("dispatch failure")
        || t.contains("timeout")
        || t.contains("timed out")
        || t.contains("connection")
        || t.contains("dns")
        || t.contains("io error")
    {
        Kind::Unreachable
    } else {
        Kind::Other
    }
}

/// Adapt an SDK error: the service's code when it answered, the error chain's text otherwise.
pub fn from_sdk<E>(api: Api, err: &SdkError<E>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let text = DisplayErrorContext(err).to_string();
    let code = err.code();
    let kind = classify(code, &text);
    let detail = match (code, err.message()) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        _ => without_debug(&text).to_string(),
    };
    AwsError::new(api, kind, detail)
}

/// The SDK's error text ends with the error's `Debug` form (whole HTTP responses): keep the
/// readable part before it.
pub fn without_debug(text: &str) -> &str {
    [
        " (ServiceError(",
        " (DispatchFailure(",
        " (ConstructionFailure(",
        " (TimeoutError(",
        " (ResponseError(",
    ]
    .iter()
    .filter_map(|m| text.find(m))
    .min()
    .map_or(text, |i| &text[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_dumps_are_cut() {
        assert_eq!(
            without_debug(
                "service error: unhandled error: expected map (ServiceError(ServiceError { raw: ... }))"
            ),
            "service error: unhandled error: expected map"
        );
        assert_eq!(without_debug("plain"), "plain");
    }

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(classify(Some("ExpiredTokenException"), ""), Kind::Expired);
        assert_eq!(classify(Some("AccessDenied"), ""), Kind::AccessDenied);
        assert_eq!(
            classify(Some("AccessDeniedException"), ""),
            Kind::AccessDenied
        );
        assert_eq!(classify(Some("Throttling"), ""), Kind::Throttled);
        assert_eq!(classify(Some("ThrottlingException"), ""), Kind::Throttled);
        assert_eq!(classify(Some("NotFoundException"), ""), Kind::NotFound);
        assert_eq!(classify(Some("InvalidParameterException"), ""), Kind::Other);
    }

    #[test]
    fn messages_are_one_line_and_name_the_offline_route() {
        for kind in [
            Kind::NoCredentials,
            Kind::Expired,
            Kind::AccessDenied,
            Kind::Throttled,
            Kind::Unreachable,
        ] {
            for api in [Api::Pricing, Api::CloudWatch] {
                let m = AwsError::new(api, kind.clone(), "Code: some\nmulti line").to_string();
                assert!(!m.contains('\n'), "{m}");
                let route = match api {
                    Api::Pricing => "--price-list-file",
                    Api::CloudWatch => "--metrics-file",
                };
                assert!(m.contains(route), "{m}");
            }
        }
        let m = AwsError::new(Api::CloudWatch, Kind::AccessDenied, "AccessDenied").to_string();
        assert!(m.contains("cloudwatch:GetMetricData"), "{m}");
    }
}
