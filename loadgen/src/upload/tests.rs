use super::*;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

#[test]
fn destinations_are_s3_urls_with_a_bucket() {
    let d: Destination = "s3://my-bucket/runs/42/".parse().unwrap();
    assert_eq!(
        d,
        Destination {
            bucket: "my-bucket".into(),
            prefix: "runs/42".into()
        }
    );
    let d: Destination = "s3://my.bucket-1".parse().unwrap();
    assert_eq!(d.prefix, "");
    for bad in [
        "my-bucket/runs",
        "https://my-bucket/runs",
        "s3://",
        "s3:///runs",
        "s3://ab/x",
        "s3://My_Bucket/x",
        "",
    ] {
        let e = bad.parse::<Destination>().unwrap_err();
        assert!(matches!(&e, UploadError::Url(t) if t == bad), "{bad}: {e}");
        assert!(
            e.to_string().starts_with("expected s3://BUCKET/PREFIX"),
            "{e}"
        );
    }
}

#[test]
fn keys_put_each_shard_in_its_folder() {
    let d: Destination = "s3://b-1/runs/r1".parse().unwrap();
    assert_eq!(
        d.key(Some(2), Path::new("summary.json")),
        "runs/r1/shard-2/summary.json"
    );
    assert_eq!(d.key(None, Path::new("report.html")), "runs/r1/report.html");
    assert_eq!(
        d.key(Some(0), &PathBuf::from("tune").join("tune.json")),
        "runs/r1/shard-0/tune/tune.json"
    );
    let bare: Destination = "s3://b-1".parse().unwrap();
    assert_eq!(bare.key(Some(1), Path::new("a.md")), "shard-1/a.md");
    assert_eq!(bare.key(None, Path::new("a.md")), "a.md");
}

#[test]
fn content_types_follow_the_extension() {
    assert_eq!(content_type(Path::new("summary.json")), "application/json");
    assert_eq!(
        content_type(Path::new("report.html")),
        "text/html; charset=utf-8"
    );
    assert_eq!(content_type(Path::new("x.csv")), "text/csv; charset=utf-8");
    assert_eq!(
        content_type(Path::new("report.md")),
        "text/markdown; charset=utf-8"
    );
    assert_eq!(
        content_type(Path::new("goose.log")),
        "text/plain; charset=utf-8"
    );
    assert_eq!(content_type(Path::new("blob")), "application/octet-stream");
}

/// Objects kept in memory; fails the put of `fail_on`.
#[derive(Default)]
struct Memory {
    objects: Mutex<BTreeMap<String, (Vec<u8>, &'static str)>>,
    fail_on: Option<String>,
}

impl Store for Memory {
    fn put(
        &self,
        key: &str,
        body: Vec<u8>,
        content_type: &'static str,
    ) -> impl std::future::Future<Output = Result<(), String>> + Send {
        let result = if self.fail_on.as_deref() == Some(key) {
            Err("AccessDenied".to_string())
        } else {
            self.objects
                .lock()
                .unwrap()
                .insert(key.to_string(), (body, content_type));
            Ok(())
        };
        async move { result }
    }
}

fn outputs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("summary.json"), "{}").unwrap();
    std::fs::write(dir.path().join("report.html"), "<html>").unwrap();
    std::fs::create_dir(dir.path().join("tune")).unwrap();
    std::fs::write(dir.path().join("tune/tune.json"), "[]").unwrap();
    dir
}

#[tokio::test]
async fn every_file_goes_up_under_its_key() {
    let dir = outputs();
    let store = Memory::default();
    let d: Destination = "s3://bkt/runs/r".parse().unwrap();
    let keys = upload(&store, &d, Some(1), dir.path()).await.unwrap();
    assert_eq!(
        keys,
        [
            "runs/r/shard-1/report.html",
            "runs/r/shard-1/summary.json",
            "runs/r/shard-1/tune/tune.json"
        ]
    );
    let objects = store.objects.lock().unwrap();
    assert_eq!(
        objects["runs/r/shard-1/summary.json"],
        (b"{}".to_vec(), "application/json")
    );
    assert_eq!(objects["runs/r/shard-1/report.html"].0, b"<html>");
}

#[tokio::test]
async fn a_failed_put_names_its_key_and_keeps_the_files() {
    let dir = outputs();
    let store = Memory {
        fail_on: Some("runs/r/summary.json".into()),
        ..Memory::default()
    };
    let d: Destination = "s3://bkt/runs/r".parse().unwrap();
    let e = upload(&store, &d, None, dir.path()).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "upload of s3://bkt/runs/r/summary.json failed: AccessDenied"
    );
    assert!(dir.path().join("summary.json").is_file());
    let e = upload(&store, &d, None, &dir.path().join("absent"))
        .await
        .unwrap_err();
    assert!(matches!(e, UploadError::Read { .. }), "{e}");
}
