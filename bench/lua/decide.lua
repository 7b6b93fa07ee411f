-- PUT a bank's decision (`view: true`) on its applications, walking their ids.
-- args: <bank token> <first order id> <number of orders>
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function init(args)
  token = args[1]
  first = tonumber(args[2])
  total = tonumber(args[3])
end

function request()
  counter = counter + 1
  local order = first + ((id * 7919 + counter) % total)
  return wrk.format("PUT", "/api/order/" .. order .. "/" .. token .. "/",
    {["Content-Type"] = "application/json"}, '{"view": true}')
end
