-- POST /api/v1/auth/login with the OAuth2 password form (EMAIL, PASSWORD of a registered user).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local function enc(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
wrk.body = "username=" .. enc(assert(os.getenv("EMAIL"), "set EMAIL"))
  .. "&password=" .. enc(assert(os.getenv("PASSWORD"), "set PASSWORD"))
