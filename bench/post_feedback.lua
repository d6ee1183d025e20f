-- wrk script: POST /api/v1/feedback with valid Vietnamese bodies, one different body per request.
--
--   wrk -t1 -c64 -d20s -s bench/post_feedback.lua http://127.0.0.1:PORT -- COMMUNES_CSV CATEGORIES
--
-- COMMUNES_CSV: feedback/directory/data/communes.csv (ward_code in the first column);
-- CATEGORIES: comma-separated category codes that have routing rules (routing.json).
-- `done` prints one line "BENCH_RESULT {json}" with the counts of 201 and of other responses.

local communes, categories = {}, {}
n, created, other = 0, 0, 0  -- globals: done() reads them with thread:get
local threads = {}

local titles = {
  "Rác thải ùn ứ tại ngõ %d",
  "Đèn chiếu sáng hỏng trên phố số %d",
  "Lấn chiếm vỉa hè trước nhà số %d",
  "Ngập úng sau mưa tại tổ dân phố %d",
  "Tiếng ồn karaoke kéo dài ở khu %d",
  "Ổ gà nguy hiểm trên đường liên xã, km %d",
}
local contents = {
  "Rác thải sinh hoạt không được thu gom ba ngày nay, bốc mùi hôi thối, ảnh hưởng sức khỏe người dân.",
  "Đèn đường tắt từ tuần trước, buổi tối rất tối, người đi bộ và xe máy dễ gặp tai nạn.",
  "Các hộ kinh doanh bày hàng kín vỉa hè, người đi bộ phải đi xuống lòng đường.",
  "Mỗi khi mưa to nước ngập đến đầu gối, cống thoát nước bị tắc, đề nghị nạo vét.",
  "Quán karaoke hát đến một giờ sáng, đề nghị cơ quan chức năng kiểm tra, xử lý.",
  "Mặt đường xuống cấp, nhiều ổ gà sâu, đề nghị sớm sửa chữa trước mùa mưa bão.",
}
local names = { "Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức", "Vũ Thị Hạnh" }

local function split(text, sep)
  local out = {}
  for part in string.gmatch(text, "([^" .. sep .. "]+)") do table.insert(out, part) end
  return out
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local path = args[1] or "feedback/directory/data/communes.csv"
  local file = assert(io.open(path, "r"))
  local header = true
  for line in file:lines() do
    if header then header = false else
      local code = tonumber(string.match(line, "^(%d+),"))
      if code then table.insert(communes, string.format("%05d", code)) end
    end
  end
  file:close()
  categories = split(args[2] or "moi-truong,giao-thong,trat-tu-do-thi,y-te,giao-duc,khac", ",")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
end

function request()
  n = n + 1
  local k = (n % #titles) + 1
  local body = string.format(
    '{"title":"%s","content":"%s (lần %d)","category":"%s","commune":"%s",' ..
    '"address":"Số %d phố Quang Trung","severity":"%s",' ..
    '"citizen":{"name":"%s","phone":"09%08d","email":"nguoidan%d@example.vn",' ..
    '"address":"Số %d ngõ %d phố Quang Trung"}}',
    string.format(titles[k], n % 200 + 1), contents[(n % #contents) + 1], n,
    categories[(n % #categories) + 1], communes[(n * 5 % #communes) + 1],
    n % 500 + 1, (n % 20 == 0) and "urgent" or "normal",
    names[(n % #names) + 1], n % 100000000, n, n % 90 + 1, n % 40 + 1)
  return wrk.format(nil, "/api/v1/feedback", nil, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else
    other = other + 1
    if other <= 3 then io.stderr:write("non-201: " .. status .. " " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created")
    o = o + t:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"created":%d,"non201":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.0f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, c, o,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
