-- wrk: every request a distinct booking_created delivery (a counter per thread, plus the thread's id, which
-- `setup` sets as a global of each thread's Lua state).
local counter = 0
local threads = 0
thread_id = thread_id or 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local id = string.format("bench-%d-%d", thread_id, counter)
  local body = '{"webhookType":"booking_created","id":"' .. id ..
    '","start":"2024-01-15T09:00:00+01:00","end":"2024-01-15T09:30:00+01:00",' ..
    '"attendees":[{"email":"test@example.com","firstname":"Test","lastname":"User"}],' ..
    '"hosts":[{"email":"host@example.com","givenName":"Host","familyName":"User"}],' ..
    '"meetingType":{"id":"mt-123","meetingInfo":{"name":"Test Meeting"}},"updatedAt":"2024-01-10T12:00:00Z"}'
  return wrk.format(nil, nil, nil, body)
end
