def apply(coupon, cart) -> int:
    cart.total -= coupon.discount
    return coupon.code
