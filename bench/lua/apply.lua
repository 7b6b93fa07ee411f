-- POST applications with a phone and e-mail never used before, spread over the products.
-- args: <username> <first product id> <number of products> <run number>
-- (each run's phones are its own: two digits of the run, one of the thread, four of a counter)
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
  table.insert(threads, thread)
end

function init(args)
  username = args[1]
  first_product = tonumber(args[2])
  products = tonumber(args[3])
  run = tonumber(args[4])
end

function request()
  counter = counter + 1
  local product = first_product + (counter % products)
  local body = string.format(
    '{"income": "50000", "email_client": "r%dt%dn%d@example.com", "phone": "+7999%02d%d%04d"}',
    run, id, counter, run % 100, id % 10, counter % 10000)
  return wrk.format("POST", "/api/order/ref/" .. username .. "/" .. product .. "/",
    {["Content-Type"] = "application/json"}, body)
end
