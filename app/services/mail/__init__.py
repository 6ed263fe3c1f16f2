"""Mail in and out: outbound rendering and delivery, inbound parsing and threading."""
