-- POST /api/v1/entries as the writer user (TOKEN), a small realistic body.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("TOKEN"), "set TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"work":"Benchmarked the journal API","struggle":"Sharing two cores with PostgreSQL","intention":"Read the p99 before the mean"}'
