"""Operations: production hardening, fault handling, structured logs, backups."""
