-- GET /api/v1/entries as the bench user (TOKEN: an access token; the user has 20 entries).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("TOKEN"), "set TOKEN")
