//! Which GetMetricData queries read each kind of resource: one small planning function per
//! kind, each naming the deployment the resource belongs to.

use super::Window;
use crate::calendar::iso;
use crate::kind::Kind;

/// The resources named on the command line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    pub lambda_function: Option<String>,
    pub http_api_id: Option<String>,
    /// (API name, stage)
    pub rest_api: Option<(String, String)>,
    /// (cluster, service)
    pub ecs_service: Option<(String, String)>,
    /// The ALB's `LoadBalancer` dimension: `app/NAME/ID` (the tail of its ARN).
    pub alb: Option<String>,
    pub instance_id: Option<String>,
    pub rds_instance: Option<String>,
}

impl Resources {
    pub fn is_empty(&self) -> bool {
        *self == Resources::default()
    }
}

/// One metric to read.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricQuery {
    /// GetMetricData query id (`^[a-z][a-zA-Z0-9_]*$`): also how `--metrics-file` results are matched.
    pub id: String,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dimensions: Vec<(&'static str, String)>,
    pub stat: &'static str,
    pub period: i64,
}

/// One GetMetricData batch: the metrics of one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSet {
    /// "Lambda function journal-api"
    pub label: String,
    /// The deployment this resource is part of, when it runs the API itself.
    pub runs: Option<Kind>,
    pub queries: Vec<MetricQuery>,
}

fn q(
    id: &str,
    namespace: &'static str,
    metric: &'static str,
    dims: &[(&'static str, &str)],
    stat: &'static str,
    period: i64,
) -> MetricQuery {
    MetricQuery {
        id: id.to_string(),
        namespace,
        metric,
        dimensions: dims.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        stat,
        period,
    }
}

/// The queries for every named resource, one set per resource.
pub fn plan(r: &Resources, period: i64) -> Vec<ResourceSet> {
    let p = period;
    [
        r.lambda_function.as_deref().map(|f| lambda(f, p)),
        r.http_api_id.as_deref().map(|id| http_api(id, p)),
        r.rest_api.as_ref().map(|(n, s)| rest_api(n, s, p)),
        r.ecs_service.as_ref().map(|(c, s)| ecs_service(c, s, p)),
        r.alb.as_deref().map(|lb| alb(lb, p)),
        r.instance_id.as_deref().map(|i| ec2_instance(i, p)),
        r.rds_instance.as_deref().map(|db| rds_instance(db, p)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn lambda(f: &str, p: i64) -> ResourceSet {
    let d = [("FunctionName", f)];
    let ns = "AWS/Lambda";
    ResourceSet {
        label: format!("Lambda function {f}"),
        runs: Some(Kind::Lambda),
        queries: vec![
            q("lambda_invocations", ns, "Invocations", &d, "Sum", p),
            q("lambda_duration", ns, "Duration", &d, "Sum", p),
            q(
                "lambda_concurrency",
                ns,
                "ConcurrentExecutions",
                &d,
                "Maximum",
                p,
            ),
            q("lambda_errors", ns, "Errors", &d, "Sum", p),
            q("lambda_throttles", ns, "Throttles", &d, "Sum", p),
        ],
    }
}

fn http_api(id: &str, p: i64) -> ResourceSet {
    let d = [("ApiId", id)];
    let ns = "AWS/ApiGateway";
    ResourceSet {
        label: format!("HTTP API {id}"),
        runs: None,
        queries: vec![
            q("http_count", ns, "Count", &d, "Sum", p),
            q("http_bytes", ns, "DataProcessed", &d, "Sum", p),
        ],
    }
}

fn rest_api(name: &str, stage: &str, p: i64) -> ResourceSet {
    let d = [("ApiName", name), ("Stage", stage)];
    let ns = "AWS/ApiGateway";
    ResourceSet {
        label: format!("REST API {name} stage {stage}"),
        runs: None,
        queries: vec![
            q("rest_count", ns, "Count", &d, "Sum", p),
            q("rest_bytes", ns, "DataProcessed", &d, "Sum", p),
        ],
    }
}

fn ecs_service(cluster: &str, service: &str, p: i64) -> ResourceSet {
    let d = [("ClusterName", cluster), ("ServiceName", service)];
    ResourceSet {
        label: format!("ECS service {cluster}/{service}"),
        runs: Some(Kind::Fargate),
        queries: vec![
            q("ecs_cpu", "AWS/ECS", "CPUUtilization", &d, "Average", p),
            q(
                "ecs_memory",
                "AWS/ECS",
                "MemoryUtilization",
                &d,
                "Average",
                p,
            ),
            q(
                "ecs_tasks",
                "ECS/ContainerInsights",
                "RunningTaskCount",
                &d,
                "Average",
                p,
            ),
        ],
    }
}

fn alb(lb: &str, p: i64) -> ResourceSet {
    let d = [("LoadBalancer", lb)];
    let ns = "AWS/ApplicationELB";
    ResourceSet {
        label: format!("ALB {lb}"),
        runs: None,
        queries: vec![
            q("alb_requests", ns, "RequestCount", &d, "Sum", p),
            q("alb_bytes", ns, "ProcessedBytes", &d, "Sum", p),
            q(
                "alb_new_connections",
                ns,
                "NewConnectionCount",
                &d,
                "Sum",
                p,
            ),
            q("alb_lcus", ns, "ConsumedLCUs", &d, "Sum", p),
        ],
    }
}

fn ec2_instance(i: &str, p: i64) -> ResourceSet {
    let d = [("InstanceId", i)];
    ResourceSet {
        label: format!("EC2 instance {i}"),
        runs: Some(Kind::Ec2),
        queries: vec![
            q("ec2_cpu", "AWS/EC2", "CPUUtilization", &d, "Average", p),
            q("ec2_network_out", "AWS/EC2", "NetworkOut", &d, "Sum", p),
        ],
    }
}

fn rds_instance(db: &str, p: i64) -> ResourceSet {
    let d = [("DBInstanceIdentifier", db)];
    ResourceSet {
        label: format!("RDS instance {db}"),
        runs: None,
        queries: vec![
            q("rds_cpu", "AWS/RDS", "CPUUtilization", &d, "Average", p),
            q(
                "rds_connections",
                "AWS/RDS",
                "DatabaseConnections",
                &d,
                "Maximum",
                p,
            ),
        ],
    }
}

/// The GetMetricData `--metric-data-queries` JSON of one set, as the AWS CLI takes it.
pub fn queries_json(set: &ResourceSet) -> serde_json::Value {
    use serde_json::json;
    json!(
        set.queries
            .iter()
            .map(|m| json!({
                "Id": m.id,
                "MetricStat": {
                    "Metric": {
                        "Namespace": m.namespace,
                        "MetricName": m.metric,
                        "Dimensions": m.dimensions.iter()
                            .map(|(k, v)| json!({"Name": k, "Value": v})).collect::<Vec<_>>(),
                    },
                    "Period": m.period,
                    "Stat": m.stat,
                },
                "ReturnData": true,
            }))
            .collect::<Vec<_>>()
    )
}

/// The `aws cloudwatch get-metric-data` command lines that read the same data for `--metrics-file`.
pub fn cli_commands(sets: &[ResourceSet], w: &Window, region: Option<&str>) -> String {
    let region = region.map(|r| format!(" --region {r}")).unwrap_or_default();
    // One command per set would need several files; one query list for all sets is one file.
    let all = ResourceSet {
        label: String::new(),
        runs: None,
        queries: sets.iter().flat_map(|s| s.queries.clone()).collect(),
    };
    format!(
        "cat > queries.json <<'EOF'\n{}\nEOF\naws cloudwatch get-metric-data{region} --start-time {} --end-time {} \\\n  --metric-data-queries file://queries.json > metrics.json\n",
        serde_json::to_string_pretty(&queries_json(&all)).expect("JSON values serialize"),
        iso(w.start),
        iso(w.end)
    )
}
