"""Officers' files into documents and passages: formats, the legal-structure parser, news chunking, catalogues."""
