// Submits the form_post answer as soon as the page is parsed (the CSP allows no inline script).
document.getElementById("form-post-response").submit();
