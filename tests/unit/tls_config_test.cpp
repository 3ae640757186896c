// tls_config_test.cpp - placeholder
