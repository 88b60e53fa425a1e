// Synthetic: the listing loads more posts after the page is shown (the DOM snapshot keeps them)
document.getElementById("publicaciones").insertAdjacentHTML("beforeend",
  "<li>Pago en efectivo contra entrega o por depósito</li>" +
  "<li>Telegram: @colibri_express_gt</li>");
