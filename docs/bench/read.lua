local ids = {}
for line in io.lines("ids.txt") do ids[#ids + 1] = line end
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/fhir/Patient/" .. ids[math.random(#ids)])
end
