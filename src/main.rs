fn main() {
    #[cfg(target_arch = "wasm32")]
    kubelab_web::start();
}
