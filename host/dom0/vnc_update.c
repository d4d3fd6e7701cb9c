/* host/dom0/vnc_update.c — a client's view of the screen (vnc_client.h): the area changed since
 * its last update, and the FramebufferUpdate that answers its request: the new size first when
 * it understands DesktopSize, then one Raw rectangle of the bounding box of what changed, in the
 * client's pixel format (BGRX copied as is when that is what it asked for). */
#include "vnc_client.h"

#include <string.h>

void vnc_add_dirty(struct vnc_client *c, int32_t x, int32_t y, int32_t w, int32_t h)
{
    if (w <= 0 || h <= 0)
        return;
    if (c->dx0 >= c->dx1) {
        c->dx0 = x, c->dy0 = y, c->dx1 = x + w, c->dy1 = y + h;
    } else {
        c->dx0 = x < c->dx0 ? x : c->dx0, c->dy0 = y < c->dy0 ? y : c->dy0;
        c->dx1 = x + w > c->dx1 ? x + w : c->dx1, c->dy1 = y + h > c->dy1 ? y + h : c->dy1;
    }
}

static void put_pixel(const struct vnc_format *f, uint8_t *out, const uint8_t *bgrx)
{
    uint32_t r = bgrx[2], g = bgrx[1], b = bgrx[0];
    uint32_t v = (r * f->rmax / 255) << f->rshift | (g * f->gmax / 255) << f->gshift | (b * f->bmax / 255) << f->bshift;
    unsigned bytes = f->bpp / 8;
    for (unsigned i = 0; i < bytes; i++)
        out[f->big_endian ? bytes - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static bool is_native(const struct vnc_format *f)
{
    return f->bpp == 32 && !f->big_endian && f->rmax == 255 && f->gmax == 255 && f->bmax == 255 &&
           f->rshift == 16 && f->gshift == 8 && f->bshift == 0;
}

void vnc_send_update(struct vnc_client *c, const struct vnc_view *v)
{
    bool resized = v->width != c->known_w || v->height != c->known_h;
    bool announce = resized && c->desktop_size;
    if (resized) {
        c->known_w = v->width, c->known_h = v->height;
        c->dx0 = 0, c->dy0 = 0, c->dx1 = (int32_t)v->width, c->dy1 = (int32_t)v->height;
        c->incremental = false;
    }
    int32_t x0 = 0, y0 = 0, x1 = (int32_t)v->width, y1 = (int32_t)v->height;
    if (c->incremental) {
        if (c->dx0 >= c->dx1)
            return;   /* nothing new yet: the request waits */
        x0 = c->dx0 < 0 ? 0 : c->dx0, y0 = c->dy0 < 0 ? 0 : c->dy0;
        x1 = c->dx1 < x1 ? c->dx1 : x1, y1 = c->dy1 < y1 ? c->dy1 : y1;
    }
    c->dx0 = c->dx1 = c->dy0 = c->dy1 = 0;
    c->want = false;
    bool raw = x1 > x0 && y1 > y0;
    if (!raw && !announce)
        return;
    /* one FramebufferUpdate: the new size first (DesktopSize), then the pixels */
    uint8_t hdr[4 + 12];
    hdr[0] = 0, hdr[1] = 0;
    vnc_put16(hdr + 2, (uint16_t)(announce + raw));
    if (!vnc_emit(c, hdr, 4))
        return;
    if (announce) {
        vnc_put16(hdr, 0), vnc_put16(hdr + 2, 0), vnc_put16(hdr + 4, (uint16_t)v->width), vnc_put16(hdr + 6, (uint16_t)v->height);
        vnc_put32(hdr + 8, (uint32_t)ENC_DESKTOP_SIZE);
        if (!vnc_emit(c, hdr, 12))
            return;
    }
    if (!raw)
        return;
    uint32_t w = (uint32_t)(x1 - x0), h = (uint32_t)(y1 - y0), bpp = c->fmt.bpp / 8;
    vnc_put16(hdr, (uint16_t)x0), vnc_put16(hdr + 2, (uint16_t)y0), vnc_put16(hdr + 4, (uint16_t)w), vnc_put16(hdr + 6, (uint16_t)h);
    vnc_put32(hdr + 8, ENC_RAW);
    if (!vnc_emit(c, hdr, 12) || !vnc_reserve(c, (size_t)w * h * bpp))
        return;
    uint8_t *out = c->out + c->out_len;
    bool fast = is_native(&c->fmt);
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *row = v->pixels + (size_t)(y0 + (int32_t)y) * v->stride + (size_t)x0 * 4;
        if (fast) {
            memcpy(out, row, (size_t)w * 4);
            for (uint32_t x = 0; x < w; x++)
                out[x * 4 + 3] = 0;
            out += (size_t)w * 4;
        } else {
            for (uint32_t x = 0; x < w; x++, out += bpp)
                put_pixel(&c->fmt, out, row + x * 4);
        }
    }
    c->out_len += (size_t)w * h * bpp;
}
