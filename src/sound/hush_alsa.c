/*
 * ALSA prints its own "ALSA lib ..." lines to stderr whenever a device
 * cannot be opened (no sound card, no such PCM). nocturne reports that
 * itself, once, in plain words, so it gives ALSA an error handler that
 * prints nothing. The handler must be variadic, which Rust cannot define,
 * hence these few lines of C. The prototype is written out here so the
 * ALSA development headers are not needed to build.
 */
typedef void (*nocturne_alsa_handler)(const char *file, int line,
                                      const char *function, int err,
                                      const char *fmt, ...);

extern int snd_lib_error_set_handler(nocturne_alsa_handler handler);

static void nocturne_alsa_silent(const char *file, int line,
                                 const char *function, int err,
                                 const char *fmt, ...)
{
    (void)file;
    (void)line;
    (void)function;
    (void)err;
    (void)fmt;
}

int nocturne_hush_alsa(void)
{
    return snd_lib_error_set_handler(nocturne_alsa_silent);
}
