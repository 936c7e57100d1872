package main_test

import rego.v1

import data.main

listener(protocol) := {"type": "aws:lb/listener:Listener", "name": "web", "inputs": {"protocol": protocol}}

test_http_listener_denied if {
	main.deny == {"ALB listener `web` uses HTTP rather than HTTPS"} with input as {"resources": [listener("HTTP")]}
}

test_https_listener_allowed if {
	count(main.deny) == 0 with input as {"resources": [listener("HTTPS")]}
}
