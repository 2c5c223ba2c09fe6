/*
 * layers/profile_int.h — the built-in profiles, generated at build time by layers/embed_profiles.py
 * from the profiles folder into builtin_profiles.c. Library-internal.
 */
#ifndef LIFECIRCLE_LAYERS_PROFILE_INT_H
#define LIFECIRCLE_LAYERS_PROFILE_INT_H

/* Names ("shanghai-2025", the file names without .yml), NULL-terminated; never freed. */
extern const char *const lc_builtin_profile_names[];

/* The YAML text of each name, at the same index, NULL-terminated; never freed. */
extern const char *const lc_builtin_profile_texts[];

#endif /* LIFECIRCLE_LAYERS_PROFILE_INT_H */
