wrk.method = "POST"
wrk.headers["Content-Type"] = "application/fhir+json"
wrk.body = '{"resourceType":"Patient","identifier":[{"system":"urn:mrn","value":"w1"}],"name":[{"family":"Created","given":["By","Wrk"]}],"gender":"female","birthDate":"1975-05-05","telecom":[{"system":"phone","value":"555-0101"}],"address":[{"line":["2 Side Street"],"city":"Springfield","postalCode":"12345"}]}'
