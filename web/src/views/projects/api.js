// The project library's calls live in @/api/projects; this module keeps the path the
// dashboard's panel imports.
export * from '@/api/projects';
