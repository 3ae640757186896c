// tls_session_test.cpp - placeholder
