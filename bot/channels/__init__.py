"""Channel adapters: translate each platform's payloads into IncomingMessage and the engine's Reply back out."""
