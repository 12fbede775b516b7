local ids = {}
for line in io.lines("ids.txt") do ids[#ids + 1] = line end
math.randomseed(os.time())
local body = '{"resourceType":"Patient","identifier":[{"system":"urn:mrn","value":"w1"}],"name":[{"family":"Created","given":["By","Wrk"]}],"gender":"female","birthDate":"1975-05-05","telecom":[{"system":"phone","value":"555-0101"}],"address":[{"line":["2 Side Street"],"city":"Springfield","postalCode":"12345"}]}'
request = function()
  local r = math.random(100)
  if r <= 60 then
    return wrk.format("GET", "/fhir/Patient/" .. ids[math.random(#ids)])
  elseif r <= 90 then
    return wrk.format("POST", "/fhir/Patient", {["Content-Type"] = "application/fhir+json"}, body)
  else
    return wrk.format("DELETE", "/fhir/Patient/" .. ids[math.random(#ids)])
  end
end
