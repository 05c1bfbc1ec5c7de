-- wrk at about a fixed rate (scripts/bench-loadgen): every connection waits DELAY_MS (the
-- script's argument, connections / rate) after each response before its next request.
local pause = 0

function init(args)
  pause = tonumber(args[1]) or 0
end

function delay()
  return pause
end
